import { describe, expect, it } from 'vitest';
import { calibrate, fitLine } from './calibrate.js';
import { check } from '../schema/describe.js';
import { calibrationRequest } from './calibrationSchema.js';

describe('the line through two tiny grids', () => {
  it('splits a call into a fixed cost and a cost per point', () => {
    const line = fitLine({ points: 1000, callMs: 0.1 + 0.002 }, { points: 11000, callMs: 0.1 + 0.022 });
    expect(line.fixedMs).toBeCloseTo(0.1, 9);
    expect(line.nsPerPoint).toBeCloseTo(2, 6);
  });

  it('never predicts a negative cost: a larger grid that ran faster puts all of its time per point', () => {
    const line = fitLine({ points: 1000, callMs: 0.5 }, { points: 16000, callMs: 0.4 });
    expect(line.fixedMs).toBe(0.5 - (0.4 / 16000) * 1000);
    expect(line.nsPerPoint).toBeCloseTo((0.4 / 16000) * 1e6, 9);
    // A fixed cost larger than the small grid's whole call is held at 0.
    expect(fitLine({ points: 100, callMs: 0.001 }, { points: 200, callMs: 1 }).fixedMs).toBe(0);
  });
});

describe('Live’s calibration', () => {
  it('times each strategy asked for on two tiny grids, with costs that predict its samples', async () => {
    const result = await calibrate({
      dtype: 'float32',
      formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
      strategies: ['loops', 'vmap', 'meshgrid-eager'],
    });
    expect(result.strategies.map((s) => s.strategy)).toEqual(['loops', 'vmap', 'meshgrid-eager']);
    for (const s of result.strategies) {
      expect(s.samples).toHaveLength(2);
      expect(s.samples[0]!.points).toBeLessThan(s.samples[1]!.points);
      expect(s.fixedMs).toBeGreaterThanOrEqual(0);
      expect(s.nsPerPoint).toBeGreaterThan(0);
      expect(s.compileMs).toBeGreaterThanOrEqual(0);
      // The larger sample lies on the line (unless noise made it the faster one).
      const [small, large] = s.samples as [{ points: number; callMs: number }, { points: number; callMs: number }];
      if (large.callMs > small.callMs)
        expect(s.fixedMs + (s.nsPerPoint * large.points) / 1e6).toBeCloseTo(large.callMs, 6);
    }
    // loops runs on grids smaller than the others' (a microsecond a point).
    expect(result.strategies[0]!.samples[1]!.points).toBeLessThan(result.strategies[1]!.samples[0]!.points);
  });

  it("counts naive's samples in the points it evaluates: the diagonal of each tiny grid, not its square", async () => {
    const result = await calibrate({ dtype: 'float32', formula: 'x + y', strategies: ['naive', 'vmap'] });
    const [naive, vmap] = result.strategies as [(typeof result.strategies)[0], (typeof result.strategies)[0]];
    // Both ran on the same two square grids: vmap's points are their squares, naive's their sides.
    expect(naive.samples.map((s) => s.points * s.points)).toEqual(vmap.samples.map((s) => s.points));
  });

  it('refuses a request naming a Python peer or an unknown dtype where it enters', () => {
    expect(check(calibrationRequest, { dtype: 'float32', formula: 'x', strategies: ['vmap'] }).ok).toBe(true);
    expect(check(calibrationRequest, { dtype: 'float32', formula: 'x', strategies: ['numpy'] }).ok).toBe(false);
    expect(check(calibrationRequest, { dtype: 'int8', formula: 'x' }).ok).toBe(false);
    expect(check(calibrationRequest, { dtype: 'float32', formula: 'x', extra: 1 }).ok).toBe(false);
  });
});
