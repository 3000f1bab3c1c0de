// Runs whose output is a number: every lab strategy gives its record with
// reduce, value, where (max, min), the reference and the error; naive's is
// the diagonal's and marked wrong; the fused strategies never hold the grid
// (their peak is a few KiB), meshgrid holds its meshes and grid; the memory
// guard counts what each really allocates, so a grid far beyond memory runs
// fused and is refused to meshgrid with the bytes it needs.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackends, backendStatus } from '../backends/registry.js';
import { runStrategy, guardRequest } from './run.js';
import { MemoryGuardError } from './memoryGuard.js';
import { LAB_STRATEGY_NAMES, type LabStrategyName } from './types.js';

beforeAll(() => loadBackends());

const N = 120;
const fused: LabStrategyName[] = ['vmap', 'pmap'];

describe('a run to a number', () => {
  it('gives every strategy’s value, where it is and its error; naive is the diagonal’s, marked wrong', async () => {
    for (const strategy of LAB_STRATEGY_NAMES) {
      if (strategy === 'gpu' && !backendStatus('webgpu').available) continue;
      if (strategy === 'pmap' && !backendStatus('native').available) continue;
      const { record } = await runStrategy({ strategy, n: N, reduce: 'max', repeats: 1 });
      expect(record, strategy).toMatchObject({ strategy, reduce: 'max', shape: [] });
      // Computed in float32 as asked: the float64 [value, index] pair it travels in is no computed dtype.
      expect(record.computedDtype, strategy).toBeUndefined();
      expect(record.at, strategy).toBeDefined();
      expect(record.value, strategy).toBe(record.value); // a number, not NaN
      if (strategy === 'naive') {
        expect(record.allclose).toBe(false);
        expect(record.note).toMatch(/diagonal/);
        expect(record.at!.i).toBe(record.at!.j);
      } else {
        expect(record.allclose, strategy).toBe(true);
        expect(record.error, strategy).toBeLessThan(1e-6);
      }
      if (fused.includes(strategy)) expect(record.peakBytes!, strategy).toBeLessThan(1 << 20);
      // The guard's prediction covers what the run really held.
      if (record.peakBytes !== undefined)
        expect(record.predictedBytes, strategy).toBeGreaterThanOrEqual(record.peakBytes);
      if (strategy === 'meshgrid') expect(record.peakBytes!).toBeGreaterThanOrEqual(3 * N * N * 4);
    }
  }, 120_000);

  it('sum and mean: relative error against the float64 sum; mean carries the integral over the domain', async () => {
    const sum = (await runStrategy({ strategy: 'vmap', nx: 301, ny: 99, reduce: 'sum', repeats: 0 })).record;
    expect(sum.error!).toBeLessThan(1e-6);
    expect(sum.at).toBeUndefined();
    const mean = (
      await runStrategy({
        strategy: 'loops',
        nx: 31,
        ny: 17,
        reduce: 'mean',
        repeats: 0,
        xRange: [-1, 3],
        yRange: [0, 2],
      })
    ).record;
    expect(mean.error!).toBeLessThan(1e-6);
    expect(mean.integral).toBeCloseTo(mean.value! * 8, 6);
  }, 60_000);

  it('reports progress and stops when cancelled, as a grid run does', async () => {
    if (!backendStatus('native').available) return;
    const controller = new AbortController();
    const fractions: number[] = [];
    const run = runStrategy(
      { strategy: 'pmap', n: 60_000, reduce: 'max', repeats: 0 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          fractions.push(p.fraction);
          if (p.phase === 'first' && p.fraction > 0) controller.abort();
        },
      },
    );
    setTimeout(() => controller.abort(), 2000);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(fractions.length).toBeGreaterThan(0);
  }, 60_000);

  it('the guard counts what a strategy allocates: 10⁶ × 10⁶ fused fits, meshgrid is refused with its bytes', () => {
    const side = 1_000_000;
    expect(() => guardRequest({ strategy: 'vmap', n: side, reduce: 'max' })).not.toThrow();
    let refusal: unknown;
    try {
      guardRequest({ strategy: 'meshgrid', n: side, reduce: 'max' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(MemoryGuardError);
    // At this size the first figure it gives is the one buffer no runtime can allocate: the grid itself.
    expect((refusal as MemoryGuardError).neededBytes).toBeGreaterThanOrEqual(side * side * 4);
  });
});
