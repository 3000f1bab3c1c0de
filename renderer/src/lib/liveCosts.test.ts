import { describe, expect, it } from 'vitest';
import type { CalibrationResult, RunSettings } from '../../../main/contract';
import { LiveCosts } from './liveCosts.svelte';

const settings = (n: number): RunSettings => ({
  nx: n,
  ny: n,
  xRange: [-2, 2],
  yRange: [-2, 2],
  dtype: 'float32',
  formula: 'x',
  strategies: ['vmap'],
  repeats: 0,
  devices: 0,
});
const calibration: CalibrationResult = {
  dtype: 'float32',
  formula: 'x',
  elapsedMs: 10,
  strategies: [
    {
      strategy: 'vmap',
      fixedMs: 0.05,
      nsPerPoint: 1,
      compileMs: 2,
      samples: [
        { points: 1024, callMs: 0.051 },
        { points: 16384, callMs: 0.066 },
      ],
    },
  ],
};

describe('what Live knows of a strategy’s cost', () => {
  it('predicts from the calibration’s fixed cost and cost per point, never below the roofline’s floor', () => {
    const costs = new LiveCosts();
    expect(costs.known('vmap')).toBe(false);
    costs.noteCalibration(calibration);
    expect(costs.known('vmap')).toBe(true);
    // n = 1000, no repeats: the compile part, one call (0.05 ms + 1 ns × 1e6), the check's 20 ns a point.
    expect(costs.predictedMs('vmap', settings(1000))).toBeCloseTo(2 + 0.05 + 1 + 20, 6);
    // Out of cache the roofline says at least 4 ns a point: the call costs 4 ms, not 1.
    costs.roof = () => 4;
    expect(costs.predictedMs('vmap', settings(1000))).toBeCloseTo(2 + 0.05 + 4 + 20, 6);
  });

  it('keeps the first guess where a calibration timed a cold start slower than it', () => {
    const costs = new LiveCosts();
    // loops at 50 µs a point on a tiny grid (a JIT not yet warm), against its first guess of 1.5 µs and 50 ms to compile.
    costs.noteCalibration({
      ...calibration,
      strategies: [{ ...calibration.strategies[0]!, strategy: 'loops', fixedMs: 0, nsPerPoint: 50_000, compileMs: 1 }],
    });
    expect(costs.predictedMs('loops', settings(40))).toBeCloseTo(50 + 1600 * 1.5e-3 + 1600 * 20e-6, 6);
  });
});
