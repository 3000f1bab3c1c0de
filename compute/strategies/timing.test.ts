import { describe, expect, it } from 'vitest';
import { squareGrid } from './grid.js';
import { NDArray } from '../core/ndarray.js';
import { compileFormula } from '../formula/index.js';
import { MAX_TIMED_CALLS, MIN_TIMED_MS, timeAnother, timeCalls } from './timing.js';
import type { StrategyContext } from './strategy.js';

function context(repeats: number): StrategyContext {
  return {
    grid: squareGrid(4),
    dtype: 'float32',
    backend: 'js',
    formula: compileFormula('x'),
    repeats,
    devices: 0,
    progress: () => {},
  };
}

describe('how many warm calls are timed', () => {
  it('times at least the repeats asked for, more while under the minimum time, never past the cap', () => {
    expect(timeAnother(1, 3, 1000)).toBe(true);
    expect(timeAnother(3, 3, 1000)).toBe(false);
    expect(timeAnother(3, 3, MIN_TIMED_MS / 2)).toBe(true);
    expect(timeAnother(MAX_TIMED_CALLS, 3, 0)).toBe(false);
    expect(timeAnother(0, 0, 0)).toBe(false);
  });

  it('repeats a quick call until enough time is measured, and a slow one only as asked', async () => {
    const quick = await timeCalls(context(3), () => NDArray.empty([4, 4], 'float32'));
    quick.grid.dispose();
    expect(quick.repeatMs.length).toBeGreaterThan(3);
    expect(quick.repeatMs.length).toBeLessThanOrEqual(MAX_TIMED_CALLS);
    expect(quick.repeatMs.length === MAX_TIMED_CALLS || quick.repeatMs.reduce((a, b) => a + b, 0) >= MIN_TIMED_MS).toBe(
      true,
    );

    const slow = await timeCalls(context(2), async () => {
      await new Promise((resolve) => setTimeout(resolve, MIN_TIMED_MS));
      return NDArray.empty([4, 4], 'float32');
    });
    slow.grid.dispose();
    expect(slow.repeatMs).toHaveLength(2);

    const none = await timeCalls(context(0), () => NDArray.empty([4, 4], 'float32'));
    none.grid.dispose();
    expect(none.repeatMs).toHaveLength(0);
  });
});
