import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkRunRequest } from '../../compute/index.js';
import { EngineCrashedError, EngineHost, SHUTDOWN_GRACE_MS } from './host.js';
import type { Handler } from './handlers.js';
import { forkEngine, type EngineExit, type EngineProcess, type SpawnEngine } from './port.js';
import type { ProgressOf } from './protocol.js';
import type { RunProgress, SweepTaskProgress, TaskProgress } from '../contract.js';

const entry = fileURLToPath(new URL('../../scripts/dev-engine-worker.mjs', import.meta.url));
const hosts: EngineHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

function makeHost(onCrash?: (message: string) => void, spawn?: SpawnEngine): EngineHost {
  const host = new EngineHost({
    entry,
    label: 'test engine',
    ...(onCrash ? { onCrash } : {}),
    ...(spawn ? { spawn } : {}),
  });
  hosts.push(host);
  return host;
}

/** The real Node child, with how each of its processes ended and whether the host killed it. */
function watchedFork(): { spawn: SpawnEngine; exits: EngineExit[]; kills: number } {
  const watched = { exits: [] as EngineExit[], kills: 0, spawn: null as unknown as SpawnEngine };
  watched.spawn = (path, options) => {
    const child = forkEngine(path, options);
    return {
      ...child,
      onExit: (listener) =>
        child.onExit((exit) => {
          watched.exits.push(exit);
          listener(exit);
        }),
      kill: () => {
        watched.kills++;
        child.kill();
      },
    };
  };
  return watched;
}

describe('EngineHost', () => {
  it('runs a strategy in the engine process, with progress, and brings the decimated surface back', async () => {
    const host = makeHost();
    const progress: unknown[] = [];
    const { record, surface } = await host.call(
      'engine:run',
      { request: checkRunRequest({ strategy: 'vmap', n: 500, dtype: 'float32', repeats: 2 }), surface: true },
      { onProgress: (p) => progress.push(p) },
    );
    expect(record).toMatchObject({ strategy: 'vmap', nx: 500, ny: 500, shape: [500, 500], allclose: true });
    expect(surface?.values).toBeInstanceOf(Float32Array);
    expect(surface?.xs.length).toBe(300);
    expect(surface?.values.length).toBe(300 * 300);
    expect(surface?.xs[0]).toBe(-2);
    expect(surface?.xs[299]).toBe(2);
  });

  it(
    'runs the gpu strategy in its engine process, in two engines at once, where the machine has an adapter',
    { timeout: 120_000 },
    async () => {
      // Regression: a worker thread's process.env was a copy, so the EGL_PLATFORM the
      // adapter sets never reached Mesa's getenv() and every app run of gpu failed.
      // An engine process has its own environment, which reaches its getenv().
      const [a, b] = [makeHost(), makeHost()];
      // Once probed: engine:info answers before Dawn's probe settles.
      const probed = await a.call('engine:probes', null);
      const gpu = probed.availability.find((s) => s.strategy === 'gpu')!;
      if (!gpu.available) {
        expect(gpu.reason).toMatch(/adapter|GPU|Dawn/);
        return;
      }
      for (const host of [a, b, a]) {
        const { record } = await host.call('engine:run', {
          request: checkRunRequest({ strategy: 'gpu', n: 64, dtype: 'float32', repeats: 1 }),
          surface: false,
        });
        expect(record).toMatchObject({ strategy: 'gpu', backend: 'webgpu', shape: [64, 64], allclose: true });
      }
    },
  );

  it('reports a crash, fails the pending call, and starts a fresh engine', async () => {
    const crashes: string[] = [];
    const host = makeHost((message) => crashes.push(message));
    await host.call('formula:check', { text: 'x' });
    await expect(host.call('engine:crash', null)).rejects.toBeInstanceOf(EngineCrashedError);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatch(/test engine/);
    // The next call is answered by a new engine process.
    expect(await host.call('formula:check', { text: 'x + y' })).toEqual({ ok: true });
    expect(host.generation).toBe(2);
  });

  it('reports an engine that aborts (SIGABRT, as Dawn does on a pending GPU promise) as a crash, and replaces it', async () => {
    const crashes: string[] = [];
    const watched = watchedFork();
    const host = makeHost((message) => crashes.push(message), watched.spawn);
    expect(await host.call('formula:check', { text: 'x' })).toEqual({ ok: true });
    // In a worker thread this abort ended the host's own process (and this test run) with it.
    await expect(host.call('engine:abort', null)).rejects.toMatchObject({
      kind: 'crash',
      message: expect.stringMatching(/test engine stopped: .*SIGABRT/),
    });
    expect(watched.exits[0]).toEqual({ code: null, signal: 'SIGABRT' });
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatch(/SIGABRT/);
    expect(await host.call('formula:check', { text: 'x + y' })).toEqual({ ok: true });
    expect(host.generation).toBe(2);
  });

  it('says why an engine stopped: its uncaught error, passed on before it exits', async () => {
    const crashes: string[] = [];
    const host = makeHost((message) => crashes.push(message));
    await expect(host.call('engine:crash', null)).rejects.toMatchObject({
      kind: 'crash',
      message: 'the test engine stopped: the engine was asked to crash (test hook)',
    });
    expect(crashes).toEqual(['the test engine stopped: the engine was asked to crash (test hook)']);
  });

  it('closes by cancelling the run in flight and letting the engine exit on its own', async () => {
    const watched = watchedFork();
    const host = makeHost(undefined, watched.spawn);
    let progressed: () => void = () => {};
    const running = new Promise<void>((resolve) => (progressed = resolve));
    const run = host.call(
      'engine:run',
      { request: checkRunRequest({ strategy: 'loops', n: 4000, dtype: 'float32', repeats: 3 }), surface: false },
      { onProgress: () => progressed() },
    );
    const outcome = run.catch((error: unknown) => error);
    await running;
    const started = performance.now();
    await host.close();
    expect(performance.now() - started).toBeLessThan(SHUTDOWN_GRACE_MS);
    expect(((await outcome) as Error).message).toMatch(/test engine was shut down/);
    expect(watched.exits).toEqual([{ code: 0, signal: null }]);
    expect(watched.kills).toBe(0);
    await expect(host.call('formula:check', { text: 'x' })).rejects.toThrow(/has been shut down/);
  });

  it('kills an engine that does not exit within the grace period', async () => {
    // An engine that never answers and never exits on its own: only the host's logic is under test.
    const sent: string[] = [];
    let exit: (exit: EngineExit) => void = () => {};
    let kills = 0;
    const stuck: EngineProcess = {
      send: (message) => void sent.push(message.type),
      onMessage: (listener) => setTimeout(() => listener({ type: 'ready' })),
      onExit: (listener) => void (exit = listener),
      kill: () => {
        kills++;
        exit({ code: null, signal: 'SIGKILL' });
      },
    };
    const host = makeHost(undefined, () => stuck);
    const call = host.call('formula:check', { text: 'x' }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await host.close();
    expect(performance.now() - started).toBeGreaterThanOrEqual(SHUTDOWN_GRACE_MS - 50);
    expect(kills).toBe(1);
    expect(sent).toEqual(['call', 'cancel', 'shutdown']);
    expect(await call).toBeInstanceOf(Error);
  });

  it(
    'keeps a plain Node script alive while a call is pending, and not once the engine idles',
    { timeout: 60_000 },
    async () => {
      // A script that awaits a call at its top level and never closes the host: it must print the answer, then end by itself.
      const dir = await mkdtemp(join(tmpdir(), 'vlab-host-'));
      const script = join(dir, 'call.mts');
      await writeFile(
        script,
        `import { EngineHost } from ${JSON.stringify(fileURLToPath(new URL('./host.ts', import.meta.url)))};\n` +
          `const host = new EngineHost({ entry: ${JSON.stringify(entry)}, label: 'script engine' });\n` +
          `console.log(JSON.stringify(await host.call('formula:check', { text: 'x' })));\n`,
      );
      const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
      const { stdout } = await promisify(execFile)(tsx, [script], { timeout: 30_000 });
      expect(stdout.trim()).toBe('{"ok":true}');
      await rm(dir, { recursive: true, force: true });
    },
  );

  it('cancels a long run through its signal, and the engine stays usable', async () => {
    const host = makeHost();
    const controller = new AbortController();
    const started = performance.now();
    const run = host.call(
      'engine:run',
      { request: checkRunRequest({ strategy: 'loops', n: 4000, dtype: 'float32', repeats: 3 }), surface: false },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(await host.call('formula:check', { text: 'x' })).toEqual({ ok: true });
  });

  it('carries engine errors with their numbers', async () => {
    const host = makeHost();
    await expect(
      host.call('surface:preview', {
        nx: 10,
        ny: 10,
        xRange: [-2, 2],
        yRange: [-2, 2],
        dtype: 'float32',
        formula: 'cos(',
      }),
    ).rejects.toMatchObject({ kind: 'formula', position: 4, length: 0 });
  });

  it('previews, runs and decimates a rectangular grid over its own domain: values[i * ys.length + j] = f(xs[i], ys[j])', async () => {
    const host = makeHost();
    const f = (x: number, y: number) => x - y / 2;
    const grid = {
      nx: 500,
      ny: 40,
      xRange: [-3, 1] as [number, number],
      yRange: [0, 2] as [number, number],
      dtype: 'float64' as const,
      formula: 'x - y / 2',
    };
    const preview = await host.call('surface:preview', grid);
    const { record, surface } = await host.call('engine:run', {
      request: checkRunRequest({ strategy: 'vmap', ...grid, repeats: 0 }),
      surface: true,
    });
    expect(record).toMatchObject({
      nx: 500,
      ny: 40,
      shape: [500, 40],
      xRange: [-3, 1],
      yRange: [0, 2],
      allclose: true,
    });
    for (const view of [preview, surface!]) {
      expect(view).toMatchObject({ nx: 500, ny: 40, xRange: [-3, 1], yRange: [0, 2] });
      // x is decimated to the surface's side, y (40 points) is drawn whole.
      expect([view.xs.length, view.ys.length]).toEqual([300, 40]);
      expect([view.xs[0], view.xs.at(-1), view.ys[0], view.ys.at(-1)]).toEqual([-3, 1, 0, 2]);
      expect(view.values.length).toBe(300 * 40);
      for (const [i, j] of [
        [0, 0],
        [0, 39],
        [299, 0],
        [150, 17],
      ] as const)
        expect(view.values[i * 40 + j]).toBeCloseTo(f(view.xs[i]!, view.ys[j]!), 6);
    }
  });

  it('types each call’s progress by its method, on both sides (the compiler checks this test)', () => {
    expectTypeOf<ProgressOf<'engine:run'>>().toEqualTypeOf<RunProgress>();
    expectTypeOf<ProgressOf<'classroom:lesson'>>().toEqualTypeOf<TaskProgress>();
    expectTypeOf<ProgressOf<'classroom:sweep'>>().toEqualTypeOf<SweepTaskProgress>();
    expectTypeOf<ProgressOf<'surface:preview'>>().toBeNever();
    // The worker's side: a handler can only send its own method's progress.
    const lessonStep: Handler<'classroom:lesson'> = async (_params, { progress }) => {
      progress({ fraction: 1, label: 'done' });
      // @ts-expect-error a sweep's progress (with its entries) is not a lesson step's
      progress({ fraction: 1, label: 'done', entries: [] });
      return null as never;
    };
    const sweep: Handler<'classroom:sweep'> = async (_params, { progress }) => {
      // @ts-expect-error a sweep's progress carries its entries
      progress({ fraction: 1, label: 'done' });
      return null as never;
    };
    const preview: Handler<'surface:preview'> = (_params, { progress }) => {
      // @ts-expect-error the preview has no progress at all
      progress({ fraction: 1 });
      return null as never;
    };
    // The host's side: the listener takes what its method sends.
    const host = new EngineHost({ entry, label: 'never started' });
    const lessonCall = () =>
      host.call(
        'classroom:lesson',
        { taskId: 't', step: 0, formula: 'x', dtype: 'float32' },
        // @ts-expect-error a lesson step never sends a sweep's entries
        { onProgress: (progress: SweepTaskProgress) => progress.entries },
      );
    expect([lessonStep, sweep, preview, lessonCall].every((f) => typeof f === 'function')).toBe(true);
    expect(host.generation).toBe(0);
  });
});
