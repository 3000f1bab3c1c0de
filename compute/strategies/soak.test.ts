// A long session — a few hundred runs of every strategy, formula and dtype —
// must not grow the process: every buffer goes back to the allocator, caches
// stay bounded. The growth is printed and reported to `npm run test:reliability`.

import { describe, expect, it } from 'vitest';
import { settledHeapUsed } from '../report/heap.js';
import { allocator } from '../core/allocator.js';
import { FORMULA_PRESETS } from '../formula/index.js';
import { runStrategy } from './run.js';
import { RunTally, combinations } from '../../test/reliability/coverage.js';
import { recordReliability } from '../../test/reliability/reliability.js';
import type { DType } from '../core/dtype.js';

const RUNS = 300;
/** Heap growth allowed after warm-up: caches are bounded, so steady state is flat. */
const GROWTH_BOUND_BYTES = 24 * 2 ** 20;

describe('a long session', () => {
  it(`${RUNS} runs leave no live buffers and do not grow the heap`, { timeout: 240_000 }, async () => {
    const strategies = await combinations();
    const soak = new RunTally('soak');
    const timing = new RunTally('timing');
    const plan = Array.from({ length: RUNS }, (_, k) => ({
      combo: strategies[k % strategies.length]!,
      formula: FORMULA_PRESETS[k % FORMULA_PRESETS.length]!.formula,
      dtype: (k % 2 ? 'float32' : 'float64') as DType,
      n: 16 + (k % 7) * 8,
    }));
    const run = async (k: number, counted = false) => {
      const { combo, formula, dtype, n } = plan[k]!;
      const { strategy, backend, label } = combo;
      const { record } = await runStrategy({
        strategy,
        formula,
        dtype,
        n,
        repeats: 1,
        ...(backend ? { backend } : {}),
      });
      if (!counted) return;
      soak.count(label);
      // The timing rules hold on every run: the first call apart, at least the repeats asked, min ≤ median ≤ max.
      const where = `${label} n=${n} ${dtype}`;
      expect(record.firstMs, where).toBeGreaterThan(0);
      expect(record.repeats, where).toBeGreaterThanOrEqual(1);
      expect(record.minMs, where).toBeLessThanOrEqual(record.medianMs);
      expect(record.medianMs, where).toBeLessThanOrEqual(record.maxMs);
      timing.count(label);
    };
    // Warm-up: one pass over every combination fills the compile caches.
    for (let k = 0; k < Math.min(RUNS, strategies.length * FORMULA_PRESETS.length * 2); k++) await run(k);
    allocator.releaseReserve();
    const liveBefore = allocator.stats().liveBytes;
    const heapBefore = settledHeapUsed();
    const rssBefore = process.memoryUsage().rss;
    for (let k = 0; k < RUNS; k++) await run(k, true);
    allocator.releaseReserve();
    const heapGrowth = settledHeapUsed() - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.log(
      `soak: ${RUNS} runs, heap growth ${(heapGrowth / 2 ** 20).toFixed(2)} MiB, rss growth ${(rssGrowth / 2 ** 20).toFixed(2)} MiB, live buffers ${allocator.stats().liveBytes - liveBefore} B`,
    );
    recordReliability('soak', { runs: RUNS, heapGrowthMiB: heapGrowth / 2 ** 20, rssGrowthMiB: rssGrowth / 2 ** 20 });
    expect(allocator.stats().liveBytes).toBe(liveBefore);
    expect(heapGrowth).toBeLessThan(GROWTH_BOUND_BYTES);
    await soak.check();
    await timing.check();
  });
});
