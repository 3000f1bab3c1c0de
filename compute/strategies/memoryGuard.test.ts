// The memory guard's promise, checked against the allocator: for every
// strategy across a sweep of n, the bytes predicted from shapes before the
// run are at least the peak measured during it, and not far above (the
// prediction is a forecast, not a blanket cap). Grids that cannot fit are
// refused before anything is allocated, quickly, with the bytes named.

import { describe, expect, it } from 'vitest';
import { allocator } from '../core/allocator.js';
import { MemoryGuardError } from './memoryGuard.js';
import { guardRequest, runStrategy, strategyAvailability } from './run.js';
import { MAX_N } from './run.js';
import { recordReliability } from '../../test/reliability/reliability.js';
import { RunTally, combinations } from '../../test/reliability/coverage.js';
import type { DType } from '../core/dtype.js';
import { PEER_STRATEGY_NAMES } from './types.js';

/** Predicted may exceed measured by at most this share (plus one row of slack for tiny grids). */
const MARGIN = 0.1;

describe('memory guard', () => {
  it(
    'predicts at least the measured peak, within the stated margin, for every strategy across a sweep',
    { timeout: 120_000 },
    async () => {
      const tally = new RunTally('memory-guard');
      let worstOver = 0;
      let checked = 0;
      // The Python peers are left out: their peak is tracemalloc's (Python's own objects included), not the lab allocator's.
      for (const { strategy, backend, label } of await combinations({ exclude: PEER_STRATEGY_NAMES })) {
        for (const dtype of ['float32', 'float64'] as DType[]) {
          // loops makes n² calls: its memory does not change character past a few hundred.
          for (const n of strategy === 'loops' ? [1, 2, 10, 100, 300] : [1, 2, 10, 100, 500, 1500]) {
            const { record } = await runStrategy({ strategy, n, dtype, repeats: 1, ...(backend ? { backend } : {}) });
            tally.count(label);
            const where = `${label} n=${n} ${dtype}`;
            expect(record.predictedBytes, where).toBeGreaterThanOrEqual(record.peakBytes!);
            const slack = n * 8 * 2;
            expect(record.predictedBytes, where).toBeLessThanOrEqual(record.peakBytes! * (1 + MARGIN) + slack);
            worstOver = Math.max(worstOver, record.predictedBytes / Math.max(1, record.peakBytes!) - 1);
            checked++;
          }
        }
      }
      await tally.check();
      console.log(
        `memory guard: ${checked} runs, predicted ≥ measured in all, worst over-prediction ${(worstOver * 100).toFixed(1)}%`,
      );
      recordReliability('memory-guard', { runs: checked, worstOverPredictionPct: worstOver * 100 });
    },
  );

  it('refuses grids up to 10⁶ per side in well under a second, allocating nothing', async () => {
    // naive holds one vector of n: at n = 10⁶ it fits, as it should.
    const strategies = (await strategyAvailability())
      .filter((s) => s.available && s.strategy !== 'naive')
      .map((s) => s.strategy);
    const before = allocator.stats().liveBytes;
    let slowest = 0;
    for (const strategy of strategies) {
      for (const n of [100_000, 300_000, MAX_N]) {
        const started = performance.now();
        await expect(runStrategy({ strategy, n, dtype: 'float64' })).rejects.toThrow(MemoryGuardError);
        slowest = Math.max(slowest, performance.now() - started);
      }
    }
    expect(allocator.stats().liveBytes).toBe(before);
    expect(slowest).toBeLessThan(1000);
    recordReliability('huge-grid-refusal', { strategies: strategies.length, slowestRefusalMs: slowest });
  });

  it('names the bytes needed and what would help', () => {
    try {
      guardRequest({ strategy: 'meshgrid', n: 20_000, dtype: 'float64', memoryCapBytes: 1e9 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MemoryGuardError);
      expect((error as MemoryGuardError).message).toMatch(
        /meshgrid at n = 20000 \(float64\) needs 8\.94 GiB but only 954 MiB is available; use a smaller grid, float32 or a strategy without meshes \(vmap\)/,
      );
    }
  });
});
