import { describe, expect, it } from 'vitest';
import { APP_GRID_LIMITS } from '../../../compute/limits';
import {
  clampToSlider,
  logAxis,
  niceTicks,
  nToSlider,
  SLIDER_STEPS,
  sliderDecades,
  sliderToN,
  type SliderRange,
} from './scales';

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

describe('the grid-size slider', () => {
  // The app's own range, and two others: the slider's ends are whatever AppInfo.limits says, not a copy of them.
  const ranges: SliderRange[] = [
    APP_GRID_LIMITS,
    { sliderMin: 1, sliderMax: 1000 },
    { sliderMin: 50, sliderMax: 5000 },
  ];

  it('has its ends at the limits it is given', () => {
    for (const range of ranges) {
      expect(sliderToN(0, range)).toBe(range.sliderMin);
      expect(sliderToN(SLIDER_STEPS, range)).toBe(range.sliderMax);
      expect(nToSlider(range.sliderMin, range)).toBe(0);
      expect(nToSlider(range.sliderMax, range)).toBe(SLIDER_STEPS);
      // Beyond the ends, the slider stays at them.
      expect(nToSlider(range.sliderMin - 1, range)).toBe(0);
      expect(nToSlider(range.sliderMax * 10, range)).toBe(SLIDER_STEPS);
      expect(clampToSlider(0, range)).toBe(range.sliderMin);
      expect(clampToSlider(range.sliderMax + 1, range)).toBe(range.sliderMax);
    }
  });

  it('maps positions onto n and back within 1%, never going down, each decade the same travel', () => {
    for (const range of ranges) {
      for (const n of [range.sliderMin, 80, 300, range.sliderMax].filter(
        (n) => n >= range.sliderMin && n <= range.sliderMax,
      )) {
        expect(Math.abs(sliderToN(nToSlider(n, range), range) - n) / n).toBeLessThan(0.01);
      }
      let previous = 0;
      for (let p = 0; p <= SLIDER_STEPS; p++) {
        const n = sliderToN(p, range);
        expect(n).toBeGreaterThanOrEqual(previous);
        previous = n;
      }
    }
    // From 10 to 20000 the middle is √(10 · 20000) ≈ 447.
    expect(sliderToN(SLIDER_STEPS / 2, { sliderMin: 10, sliderMax: 20000 })).toBe(447);
  });

  it('labels its scale at the powers of ten between its ends', () => {
    expect(sliderDecades({ sliderMin: 10, sliderMax: 20000 })).toEqual([10, 100, 1000, 10000]);
    expect(sliderDecades({ sliderMin: 1, sliderMax: 1000 })).toEqual([1, 10, 100, 1000]);
    expect(sliderDecades({ sliderMin: 50, sliderMax: 5000 })).toEqual([100, 1000]);
  });
});

describe('log axes', () => {
  it('spans whole decades around the data', () => {
    const axis = logAxis([0.05, 97, NaN, 0, -1]);
    expect(axis.min).toBe(0.01);
    expect(axis.max).toBe(100);
    expect(axis.ticks).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(axis.position(1)).toBeCloseTo(0.5);
    expect(axis.position(0)).toBe(0);
  });
});
