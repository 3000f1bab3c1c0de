import { describe, expect, it } from 'vitest';
import { allocator } from '../core/allocator.js';
import { CancelledError } from '../backends/backend.js';
import { MemoryGuardError } from './memoryGuard.js';
import { RunRequestError, guardRequest, runStrategy, strategyAvailability } from './run.js';
import type { StrategyName } from './types.js';

const GRID_STRATEGIES: StrategyName[] = ['loops', 'meshgrid', 'meshgrid-eager', 'vmap'];

describe('every strategy at small n', () => {
  it.each(GRID_STRATEGIES.map((s) => [s]))(
    '%s returns a complete record whose grid matches the float64 reference',
    async (strategy) => {
      const { record } = await runStrategy({ strategy, n: 40, dtype: 'float64', repeats: 2, backend: 'js' });
      expect(record).toMatchObject({
        strategy,
        nx: 40,
        ny: 40,
        dtype: 'float64',
        devices: 1,
        shape: [40, 40],
        allclose: true,
      });
      // At least the repeats asked for; quick calls are timed more often (timing.ts).
      expect(record.repeats).toBeGreaterThanOrEqual(2);
      expect(record.maxAbsErr).toBeLessThanOrEqual(1e-12);
      for (const key of ['firstMs', 'medianMs', 'minMs', 'maxMs'] as const) expect(record[key]).toBeGreaterThan(0);
      expect(record.minMs).toBeLessThanOrEqual(record.medianMs);
      expect(record.medianMs).toBeLessThanOrEqual(record.maxMs);
      expect(record.peakBytes).toBeGreaterThanOrEqual(40 * 40 * 8);
      expect(record.predictedBytes).toBeGreaterThanOrEqual(record.peakBytes!);
      expect(record.outputBuffer).toBe('recycled');
    },
  );

  it('float32 results stay within float32 rounding of the reference', async () => {
    const { record } = await runStrategy({ strategy: 'vmap', n: 64, dtype: 'float32', backend: 'js' });
    expect(record.allclose).toBe(true);
    expect(record.maxAbsErr).toBeGreaterThan(0);
    expect(record.maxAbsErr).toBeLessThan(1e-6);
  });

  it('naive gives the wrong shape, (n,), and is never allclose to the grid', async () => {
    const { record } = await runStrategy({ strategy: 'naive', n: 80, dtype: 'float64', backend: 'js' });
    expect(record.shape).toEqual([80]);
    expect(record.allclose).toBe(false);
    expect(record.maxAbsErr).toBeLessThan(1e-12); // it is the diagonal, computed right
    expect(record.note).toMatch(/diagonal/);
  });

  it('predicts each strategy’s peak from shapes alone, and the allocator confirms it', async () => {
    const n = 100;
    const peaks: Record<string, number> = {};
    for (const strategy of [...GRID_STRATEGIES, 'naive'] as StrategyName[]) {
      const { record } = await runStrategy({ strategy, n, dtype: 'float64', repeats: 1, backend: 'js' });
      peaks[strategy] = record.peakBytes!;
      expect(record.peakBytes).toBeLessThanOrEqual(record.predictedBytes);
      expect(record.peakBytes).toBeGreaterThanOrEqual(record.predictedBytes * 0.9);
    }
    // The lesson's point: vmap needs about a third of meshgrid's memory.
    expect(peaks.vmap! / peaks.meshgrid!).toBeLessThanOrEqual(0.45);
    expect(peaks['meshgrid-eager']!).toBeGreaterThan(peaks.meshgrid!);
  });

  it('evaluates a user formula, including one that ignores a variable or both', async () => {
    for (const formula of ['x - y^2', 'sin(3*x)', '2.5']) {
      const { record } = await runStrategy({ strategy: 'vmap', n: 16, dtype: 'float64', formula, backend: 'js' });
      expect(record).toMatchObject({ shape: [16, 16], allclose: true, formula });
    }
  });

  it('keeps the grid when asked, laid out as z[i, j] = f(x[i], y[j])', async () => {
    const { grid } = await runStrategy(
      { strategy: 'meshgrid', n: 5, dtype: 'float64', formula: 'x - 10*y', backend: 'js' },
      { keepGrid: true },
    );
    expect(grid!.get(4, 0)).toBeCloseTo(2 + 20, 12);
    expect(grid!.get(0, 4)).toBeCloseTo(-2 - 20, 12);
    grid!.dispose();
  });
});

describe('the memory guard', () => {
  it('refuses a grid that does not fit the cap, naming the bytes, before allocating anything', async () => {
    const live = allocator.stats().liveBytes;
    const request = { strategy: 'meshgrid' as const, n: 2000, dtype: 'float64' as const, memoryCapBytes: 50e6 };
    expect(() => guardRequest(request)).toThrow(MemoryGuardError);
    await expect(runStrategy(request)).rejects.toThrow(/needs 91.6 MiB but only 47.7 MiB is available/);
    expect(allocator.stats().liveBytes).toBe(live);
    // vmap, without meshes, fits the same cap.
    expect(guardRequest({ ...request, strategy: 'vmap' }).predictedBytes).toBe((2000 * 2000 + 4000) * 8);
  });

  it('refuses a million-point side at once: no buffer that large can exist', () => {
    const started = performance.now();
    expect(() => guardRequest({ strategy: 'vmap', n: 1_000_000, dtype: 'float32' })).toThrow(
      /single buffer of 3.64 TiB/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('bad requests', () => {
  it.each([
    [{ strategy: 'vmap', n: 0 }, /n must be an integer from 1/],
    [{ strategy: 'vmap', n: 2.5 }, /n must be an integer/],
    [{ strategy: 'teleport', n: 10 }, /strategy must be one of loops, .*, got 'teleport'/],
    [{ strategy: 'vmap', n: 10, dtype: 'int8' }, /dtype must be one of float32, float64, got 'int8'/],
    [{ strategy: 'vmap', n: 10, repeats: -1 }, /repeats must be/],
    [{ strategy: 'vmap', n: 10, backend: 'cuda' }, /backend must be one of/],
  ])('%j is refused with a clear message', async (request, message) => {
    await expect(runStrategy(request as never)).rejects.toThrow(RunRequestError);
    await expect(runStrategy(request as never)).rejects.toThrow(message);
  });

  it('a malformed formula is refused with its position', async () => {
    await expect(runStrategy({ strategy: 'vmap', n: 10, formula: 'cos(x +* y)' })).rejects.toMatchObject({
      position: 7,
    });
  });
});

describe('cancellation', () => {
  it('stops a long loops run, frees everything, and the next run works', async () => {
    const live = allocator.stats().liveBytes;
    const controller = new AbortController();
    const progress: number[] = [];
    const run = runStrategy(
      { strategy: 'loops', n: 3000, dtype: 'float64', backend: 'js' },
      { signal: controller.signal, onProgress: (p) => progress.push(p.fraction) },
    );
    setTimeout(() => controller.abort(), 150);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(progress.length).toBeGreaterThan(0);
    expect(allocator.stats().liveBytes).toBe(live);
    const { record } = await runStrategy({ strategy: 'loops', n: 10, dtype: 'float64', backend: 'js' });
    expect(record.allclose).toBe(true);
  });
});

describe('availability', () => {
  it('lists every strategy with a reason for those that cannot run', async () => {
    const list = await strategyAvailability('js');
    expect(list.map((s) => s.strategy)).toEqual(
      expect.arrayContaining(['loops', 'naive', 'meshgrid', 'meshgrid-eager', 'vmap']),
    );
    for (const s of list) if (!s.available) expect(s.reason).toBeTruthy();
  });
});
