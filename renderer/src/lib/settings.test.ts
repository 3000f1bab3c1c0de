import { describe, expect, it } from 'vitest';
import type { ReduceMode } from '../../../main/contract';
import { Settings } from './settings.svelte';

/** Settings with the app's limits: 20,000 per side for a grid, 100,000 for a number. */
class LimitedSettings extends Settings {
  changes = 0;
  protected override sideMax(reduce: ReduceMode): number {
    return reduce === 'grid' ? 20_000 : 100_000;
  }
  override settingsChanged(): void {
    this.changes++;
  }
}

describe('the output setting', () => {
  it('asks the engine for a number only when one is chosen: a grid’s request stays as before', () => {
    const settings = new LimitedSettings();
    expect('reduce' in settings.settings()).toBe(false);
    settings.setReduce('max');
    expect(settings.settings().reduce).toBe('max');
    expect(settings.changes).toBe(1);
  });

  it('brings sides beyond the grid’s limit back to it when the output goes back to the grid', () => {
    const settings = new LimitedSettings();
    settings.setLinked(false);
    settings.setReduce('mean');
    settings.setNx(100_000);
    settings.setNy(300);
    settings.setReduce('grid');
    expect([settings.nx, settings.ny]).toEqual([20_000, 300]);
    settings.setReduce('sum');
    expect([settings.nx, settings.ny]).toEqual([20_000, 300]);
  });
});
