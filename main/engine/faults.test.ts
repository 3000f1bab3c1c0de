// Faults injected, nothing lost: the engine process is killed in the middle
// of a long run, of a sweep and of a grid CSV export, and of a run of every
// strategy on every backend, gpu included. Each time the host reports the
// crash and starts a fresh engine, every finished run is still in the
// results file, and the CSV on disk is the old complete file, never half.
// The engine runs with its default backends, native addon and Dawn
// included: an engine that dies while they are answering (Dawn aborts its
// process when a GPU promise is left pending) must take down only itself.

import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkRunRequest } from '../../compute/index.js';
import { EngineCrashedError, EngineHost } from './host.js';
import { ResultsLog } from '../resultsLog.js';
import { LabService } from '../service.js';
import { recordReliability } from '../../test/reliability/reliability.js';
import { RunTally, combinations } from '../../test/reliability/coverage.js';

const entry = fileURLToPath(new URL('../../scripts/dev-engine-worker.mjs', import.meta.url));
const crashes: string[] = [];
const host = new EngineHost({ entry, label: 'fault-injection engine', onCrash: (m) => crashes.push(m) });
afterAll(() => host.close());

let faults = 0;
let kept = 0;
let lost = 0;

/** Starts `work`, kills the engine once it has made progress, and expects the crash to be reported. */
async function killDuring(work: (onProgress: () => void) => Promise<unknown>): Promise<void> {
  let killed: Promise<unknown> | null = null;
  const onProgress = () => {
    killed ??= host.call('engine:crash', null).catch(() => undefined);
  };
  await expect(work(onProgress)).rejects.toBeInstanceOf(EngineCrashedError);
  await killed;
  faults++;
}

describe('faults injected into the engine', () => {
  it('a kill mid-run, mid-sweep and mid-export loses no finished run and no file', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vlab-faults-'));
    const logPath = join(dir, 'results.jsonl');
    const log = new ResultsLog(logPath, 'faulted-session');
    let finished = 0;
    const finishRun = async (strategy: 'vmap' | 'meshgrid', n: number) => {
      const { record } = await host.call('engine:run', {
        request: checkRunRequest({ strategy, n, dtype: 'float32', repeats: 1 }),
        surface: true,
      });
      await log.append(record);
      finished++;
    };

    await finishRun('vmap', 100);
    await finishRun('meshgrid', 100);
    await killDuring((onProgress) =>
      host.call(
        'engine:run',
        { request: checkRunRequest({ strategy: 'loops', n: 4000, dtype: 'float32', repeats: 3 }), surface: false },
        { onProgress },
      ),
    );

    await finishRun('vmap', 200);
    await killDuring((onProgress) =>
      host.call(
        'classroom:sweep',
        {
          taskId: 'sweep',
          sweep: {
            nMin: 10,
            nMax: 3000,
            points: 12,
            strategies: ['loops', 'meshgrid', 'vmap'],
            dtype: 'float32',
            repeats: 1,
          },
        },
        { onProgress },
      ),
    );

    await finishRun('vmap', 300);
    const csv = join(dir, 'grid.csv');
    const before = 'x,y,f\r\n1,2,3\r\n';
    await writeFile(csv, before);
    await killDuring((onProgress) =>
      host.call(
        'engine:grid-file',
        {
          settings: {
            nx: 3000,
            ny: 3000,
            xRange: [-2, 2],
            yRange: [-2, 2],
            dtype: 'float64',
            formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
          },
          path: csv,
        },
        { onProgress },
      ),
    );
    expect(await readFile(csv, 'utf8'), 'the CSV on disk is the old complete file').toBe(before);

    // After every fault a fresh engine answers.
    await finishRun('meshgrid', 64);
    expect(crashes).toHaveLength(faults);
    expect(host.generation).toBe(faults + 1);

    // The next launch reads every finished run back.
    const next = new ResultsLog(logPath, 'next-launch');
    const recovered = (await next.previousSession())?.records ?? [];
    kept = recovered.length;
    lost = finished - kept;
    expect(lost).toBe(0);
    expect(recovered.map((r) => r.nx)).toEqual([100, 100, 200, 300, 64]);
    console.log(
      `faults: ${faults} engine kills, ${finished} finished runs, ${kept} kept, ${lost} lost; files left: ${(await readdir(dir)).join(', ')}`,
    );
    recordReliability('fault-injection', { faults, runsFinished: finished, runsKept: kept, runsLost: lost });
  });

  it(
    'a kill mid-export through the app leaves the old file whole and nothing beside it',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vlab-faults-'));
      const csv = join(dir, 'grid.csv');
      const before = 'x,y,f\r\n1,2,3\r\n';
      await writeFile(csv, before);
      const events: string[] = [];
      const service = new LabService(
        {
          shell: 'web',
          appVersion: 'faults',
          dataDir: join(dir, 'data'),
          save: async (request) => {
            await request.write(csv);
            return { status: 'saved', path: csv };
          },
          emit: (event) => void events.push(event),
        },
        fileURLToPath(new URL('../..', import.meta.url)),
      );
      try {
        const exporting = service.handle('export:grid', {
          nx: 3000,
          ny: 3000,
          xRange: [-2, 2],
          yRange: [-2, 2],
          dtype: 'float64',
          formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
        });
        const outcome = exporting.then(
          () => 'finished',
          (error: unknown) => error,
        );
        // Kill the engine once its partial file (named for the engine's process) is on disk, i.e. mid-write.
        const partialPrefix = `${basename(csv)}.partial-`;
        await vi.waitFor(
          async () => expect((await readdir(dir)).some((name) => name.startsWith(partialPrefix))).toBe(true),
          { timeout: 60_000, interval: 20 },
        );
        await service.engine.call('engine:crash', null).catch(() => undefined);
        expect(await outcome).toBeInstanceOf(EngineCrashedError);
        expect(events).toContain('engine:crashed');
        expect(await readFile(csv, 'utf8')).toBe(before);
        expect(await readdir(dir)).toEqual(['grid.csv']);
        // The app goes on: the next export writes the whole file.
        await expect(
          service.handle('export:grid', {
            nx: 20,
            ny: 20,
            xRange: [-2, 2],
            yRange: [-2, 2],
            dtype: 'float32',
            formula: 'x + y',
          }),
        ).resolves.toMatchObject({ status: 'saved' });
        expect((await readFile(csv, 'utf8')).split('\r\n')).toHaveLength(20 * 20 + 2);
        recordReliability('fault-injection', { faults: 1, runsFinished: 0, runsKept: 0, runsLost: 0 });
      } finally {
        await service.close();
      }
    },
  );

  it(
    'a kill mid-run of every strategy, on every backend, loses nothing and the next run of it works',
    { timeout: 240_000 },
    async () => {
      const tally = new RunTally('faults');
      let finished = 0;
      for (const { strategy, backend, label } of await combinations({ exclude: ['naive'] })) {
        const request = { strategy, dtype: 'float32' as const, ...(backend ? { backend } : {}) };
        await killDuring((onProgress) =>
          host.call(
            'engine:run',
            {
              request: checkRunRequest({ ...request, n: strategy === 'loops' ? 3000 : 4000, repeats: 5 }),
              surface: false,
            },
            { onProgress },
          ),
        );
        const { record } = await host.call('engine:run', {
          request: checkRunRequest({ ...request, n: 64, repeats: 1 }),
          surface: false,
        });
        expect(record.allclose, `${label} after the engine was killed mid-run`).toBe(true);
        finished++;
        tally.count(label);
      }
      expect(crashes).toHaveLength(faults);
      // How each engine died (an uncaught error, or Dawn's abort mid-GPU-run): all reported, none fatal to this process.
      console.log(
        `faults: engine deaths seen: ${[...new Set(crashes.map((m) => m.replace(/^the [^:]+: /, '')))].join(' | ')}`,
      );
      await tally.check(['naive']);
      recordReliability('fault-injection', {
        faults: finished,
        runsFinished: finished,
        runsKept: finished,
        runsLost: 0,
      });
    },
  );
});
