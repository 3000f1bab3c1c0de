// A long session in the main process: a few hundred run batches through the
// app service, each with what the window asks on the way (formula check,
// surface preview, memory guard), must not grow main's process nor the two
// engine processes. Each is measured where it lives: main's heap and rss
// here, each engine's heap, allocator and rss through its `memory` method
// (an engine is a process of its own, so main's rss no longer counts it).
// The growth is printed and reported to `npm run test:reliability`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { settledHeapUsed } from '../compute/report/heap.js';
import { LabService } from './service.js';
import type { EventName } from './contract.js';
import type { DType, StrategyName } from '../compute/index.js';
import { recordReliability } from '../test/reliability/reliability.js';

const BATCHES = 300;
/** After warm-up the caches are full: what remains is a leak. */
const HEAP_GROWTH_BOUND_MIB = 16;
/** An engine's rss also holds the allocator's reserve, and the C library keeps freed pages: a loose bound that a per-run leak still breaks. */
const RSS_GROWTH_BOUND_MIB = 256;

const MiB = 2 ** 20;

describe('a long session in the main process', () => {
  it(`${BATCHES} run batches through the app service do not grow the process`, { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-main-soak-'));
    const eventCounts = new Map<EventName, number>();
    const service = new LabService(
      {
        shell: 'web',
        appVersion: 'soak',
        dataDir,
        save: async () => ({ status: 'cancelled' }),
        emit: (event) => void eventCounts.set(event, (eventCounts.get(event) ?? 0) + 1),
      },
      fileURLToPath(new URL('..', import.meta.url)),
    );
    try {
      const info = await service.handle('app:info', null);
      // Every strategy this machine runs, the GPU's and the peers' included: as probed, not as pending at start.
      const probed = await service.handle('app:probed', null);
      const strategies = probed.availability.filter((a) => a.available).map((a) => a.strategy as StrategyName);
      const formulas = info.formulaPresets.map((p) => p.formula);
      let failures = 0;
      let records = 0;
      const batch = async (k: number) => {
        const formula = formulas[k % formulas.length]!;
        const dtype: DType = k % 2 ? 'float32' : 'float64';
        const n = 24 + (k % 5) * 8;
        const picked = [strategies[k % strategies.length]!, strategies[(k + 1) % strategies.length]!];
        await service.handle('formula:check', { text: formula });
        await service.handle('surface:preview', { nx: 32, ny: 32, xRange: [-2, 2], yRange: [-2, 2], dtype, formula });
        const settings = {
          nx: n,
          ny: n,
          xRange: [-2, 2] as [number, number],
          yRange: [-2, 2] as [number, number],
          dtype,
          formula,
          strategies: picked,
          repeats: 1,
          devices: 0,
        };
        await service.handle('run:guard', settings);
        const result = await service.handle('run:start', {
          ...settings,
          runId: `soak-${k}`,
          includeFloor: k % 10 === 0,
        });
        records += result.records.length;
        failures += result.failures.length;
        if (result.failures.length)
          console.log(`soak batch ${k}: ${result.failures.map((f) => `${f.strategy}: ${f.message}`).join('; ')}`);
      };

      // Warm-up: every strategy, formula and dtype once fills the compile caches.
      const warmUp = Math.max(strategies.length, formulas.length) * 2;
      for (let k = 0; k < warmUp; k++) await batch(k);
      const engineHeaps = async () => {
        const { run, preview } = service.engines;
        const [a, b] = await Promise.all([run.call('engine:memory', null), preview.call('engine:memory', null)]);
        return {
          heap: a.heapUsedBytes + b.heapUsedBytes,
          live: a.liveBytes + b.liveBytes,
          rss: a.rssBytes + b.rssBytes,
        };
      };
      const enginesBefore = await engineHeaps();
      const heapBefore = settledHeapUsed();
      const rssBefore = process.memoryUsage().rss;
      let rssHalfway = rssBefore;
      for (let k = 0; k < BATCHES; k++) {
        await batch(k);
        if (k === BATCHES / 2 - 1) rssHalfway = process.memoryUsage().rss;
      }
      const heapGrowth = (settledHeapUsed() - heapBefore) / MiB;
      const rssAfter = process.memoryUsage().rss;
      const rssGrowth = (rssAfter - rssBefore) / MiB;
      const rssGrowthSecondHalf = (rssAfter - rssHalfway) / MiB;
      const enginesAfter = await engineHeaps();
      const engineHeapGrowth = (enginesAfter.heap - enginesBefore.heap) / MiB;
      const engineRssGrowth = (enginesAfter.rss - enginesBefore.rss) / MiB;

      console.log(
        `main soak: ${BATCHES} batches (${records} runs, strategies ${strategies.join(', ')}), ${failures} failures, ` +
          `main heap growth ${heapGrowth.toFixed(2)} MiB, engine heaps growth ${engineHeapGrowth.toFixed(2)} MiB, ` +
          `main rss growth ${rssGrowth.toFixed(2)} MiB (${rssGrowthSecondHalf.toFixed(2)} MiB in the second half), engines' rss growth ${engineRssGrowth.toFixed(2)} MiB ` +
          `(${(enginesAfter.rss / MiB).toFixed(0)} MiB now), ${eventCounts.get('run:record') ?? 0} records sent`,
      );
      recordReliability('main-soak', {
        runs: records,
        batches: BATCHES,
        heapGrowthMiB: heapGrowth,
        engineHeapGrowthMiB: engineHeapGrowth,
        rssGrowthMiB: rssGrowth,
        rssGrowthSecondHalfMiB: rssGrowthSecondHalf,
        engineRssGrowthMiB: engineRssGrowth,
        failures,
      });
      expect(failures).toBe(0);
      expect(eventCounts.get('run:record')).toBe(records);
      expect(heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND_MIB);
      expect(engineHeapGrowth).toBeLessThan(HEAP_GROWTH_BOUND_MIB);
      // Only the grid kept for export stays live in the run engine, whichever run it was.
      expect(enginesAfter.live).toBeLessThanOrEqual(Math.max(enginesBefore.live, 8 * 56 * 56));
      expect(rssGrowth).toBeLessThan(RSS_GROWTH_BOUND_MIB);
      expect(engineRssGrowth).toBeLessThan(RSS_GROWTH_BOUND_MIB);
    } finally {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
