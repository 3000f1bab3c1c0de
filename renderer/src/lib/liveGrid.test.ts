import { describe, expect, it } from 'vitest';
import type { RunSettings } from '../../../main/contract';
import { recordFixture } from '../../../test/fixtures';
import { gridKey, measures } from './liveGrid';

const grid: RunSettings = {
  nx: 80,
  ny: 80,
  xRange: [-2, 2],
  yRange: [-2, 2],
  dtype: 'float32',
  formula: 'x + y',
  strategies: ['vmap'],
  repeats: 3,
  devices: 0,
};
const max: RunSettings = { ...grid, reduce: 'max' };

describe('which settings a record measured', () => {
  it('tells a record of the grid from one of a number at the same grid', () => {
    const ofGrid = recordFixture('vmap');
    const ofMax = recordFixture('vmap', 80, 1, { reduce: 'max', shape: [], value: 2 });
    expect(measures(ofGrid, grid)).toBe(true);
    expect(measures(ofGrid, max)).toBe(false);
    expect(measures(ofMax, max)).toBe(true);
    expect(measures(ofMax, grid)).toBe(false);
    expect(measures(ofMax, { ...max, reduce: 'min' })).toBe(false);
  });

  it('lets the floor, a grid’s, stand for either output, and counts a new output as a change', () => {
    expect(measures(recordFixture('limit'), max)).toBe(true);
    expect(gridKey(max)).not.toBe(gridKey(grid));
  });
});
