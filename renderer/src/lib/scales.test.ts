import { describe, expect, it } from 'vitest';
import { niceTicks } from './scales';

describe('the surface axes’ ticks', () => {
  it('are 1, 2 or 5 times a power of ten, inside the range', () => {
    expect(niceTicks(-2, 2, 5)).toEqual([-2, -1, 0, 1, 2]);
    expect(niceTicks(-0.249, 1, 5)).toEqual([-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 3, 4)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 3, 8)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(niceTicks(-3, 1, 5)).toEqual([-3, -2, -1, 0, 1]);
  });

  it('never put a tick outside the range, whatever it is', () => {
    for (const [lo, hi] of [
      [0.013, 0.987],
      [-7.3, 12.1],
      [1e-6, 3e-6],
    ] as const) {
      const ticks = niceTicks(lo, hi, 5);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(lo);
        expect(t).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('give the one value of a flat range, the same ticks for reversed bounds, and none for a non-finite range', () => {
    expect(niceTicks(0.5, 0.5, 5)).toEqual([0.5]);
    expect(niceTicks(2, -2, 5)).toEqual(niceTicks(-2, 2, 5));
    expect(niceTicks(NaN, 1, 5)).toEqual([]);
  });
});
