import { describe, expect, it } from 'vitest';
import type { CalibrationResult, RunRecord, RunSettings } from '../../../main/contract';
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

  it("scales naive with the diagonal it evaluates (min(nx, ny) points), not the grid's nx · ny", () => {
    const costs = new LiveCosts();
    costs.noteCalibration({
      ...calibration,
      strategies: [
        {
          ...calibration.strategies[0]!,
          strategy: 'naive',
          samples: [
            { points: 32, callMs: 0.05 + 32e-6 },
            { points: 128, callMs: 0.05 + 128e-6 },
          ],
        },
      ],
    });
    // 100,000²: 1e5 points of 1 ns each and the check's 5 ns — milliseconds, not the 1e10 points' minutes.
    const ms = costs.predictedMs('naive', settings(100_000));
    expect(ms).toBeCloseTo(2 + 0.05 + 0.1 + 0.5, 6);
    // A record of naive at 300 × 200 is remembered at its 200 points: 400² scales its per-point part by 2.
    costs.noteRecord({ strategy: 'naive', dtype: 'float32', nx: 300, ny: 200, minMs: 0.2, firstMs: 3 } as RunRecord);
    // The compile part, the fixed cost kept and (0.2 - 0.05) ms scaled from 200 to 400 points, the check.
    expect(costs.predictedMs('naive', settings(400))).toBeCloseTo(3 - 0.2 + (0.05 + 0.15 * 2) + 400 * 5e-6, 6);
  });
});
