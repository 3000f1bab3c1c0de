import { numpyPython } from '../scripts/venvPython.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabService, type SaveRequest, type ShellHooks } from './service.js';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { EventMap, EventName } from './contract.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function makeService(dataDir: string, save: ShellHooks['save'] = async () => ({ status: 'cancelled' })) {
  const events: { event: EventName; payload: unknown }[] = [];
  const service = new LabService(
    {
      shell: 'web',
      appVersion: 'test',
      dataDir,
      save,
      emit: <E extends EventName>(event: E, payload: EventMap[E]) => events.push({ event, payload }),
    },
    appRoot,
  );
  cleanups.push(() => service.close());
  return { service, events };
}

describe('LabService', () => {
  it('tells the engine build in AppInfo, and takes the theme without a desktop to tell (the web shell)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    const info = await service.handle('app:info', null);
    expect(info.engineBuild.nativeAddon).toBe(info.engineBuild.isa !== null);
    if (!info.engineBuild.nativeAddon) expect(info.engineBuild.reason).toBeTruthy();
    await expect(service.handle('theme:set', { theme: 'dark' })).resolves.toBeNull();
    expect(events).toEqual([]);
  });

  it("sweeps pmap over 1…all native threads on the lab's nx × ny grid beside the kernel and the floor, with progress, as the classroom asks", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    const info = await service.handle('app:info', null);
    const grid = {
      nx: 240,
      ny: 60,
      xRange: [-1, 3] as [number, number],
      yRange: [0, 0.5] as [number, number],
      dtype: 'float32' as const,
      formula: 'x * y',
    };
    const sweep = service.handle('classroom:threads', { taskId: 'threads-1', sweep: grid });
    if (!info.engineBuild.nativeAddon) {
      await expect(sweep).rejects.toThrow(/native backend/);
      return;
    }
    const result = await sweep;
    // The result says which grid it measured: the one asked for, not a square one.
    expect(result).toMatchObject(grid);
    // 1 … the cores, then past them, where devices share the cores; Amdahl's fit over the cores alone.
    const cores = info.maxThreads;
    expect(result.cores).toBe(cores);
    expect(result.points.filter((p) => !p.sharesCores).map((p) => p.threads)).toEqual(
      Array.from({ length: cores }, (_, k) => k + 1),
    );
    expect(result.points.at(-1)).toMatchObject({ threads: 2 * cores, sharesCores: true });
    if (cores > 1) expect(result.amdahl?.serialFraction).toBeGreaterThanOrEqual(0);
    for (const p of result.points) for (const ms of [p.pmapMs, p.kernelMs, p.floorMs]) expect(ms).toBeGreaterThan(0);
    const progress = events.filter((e) => e.event === 'classroom:progress').map((e) => e.payload);
    expect(progress.length).toBeGreaterThan(0);
    // Typed by the task's kind: the threads sweep's progress names it and carries no sweep entries.
    for (const p of progress)
      expect(p).toEqual({
        taskId: 'threads-1',
        kind: 'threads',
        fraction: expect.any(Number),
        label: expect.any(String),
      });
  });

  it('exports results as CSV, JSON and Markdown, and the grid as CSV and .npy, each under its own extension', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const asked: SaveRequest[] = [];
    const save = async (request: SaveRequest) => {
      asked.push(request);
      const path = join(dataDir, request.fileName);
      await request.write(path);
      return { status: 'saved' as const, path };
    };
    const { service } = await makeService(dataDir, save);
    const { records } = await service.handle('run:start', {
      runId: 'x',
      nx: 24,
      ny: 24,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float64',
      formula: 'x - y / 2',
      strategies: ['vmap'],
      repeats: 3,
      devices: 0,
      includeFloor: false,
    });
    for (const format of ['csv', 'json', 'markdown'] as const)
      await service.handle('export:results', { records, format });
    await service.handle('export:grid', {
      nx: 24,
      ny: 24,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float64',
      formula: 'x - y / 2',
      format: 'npy',
    });
    expect(asked.map((a) => [a.fileName.replace(/\d{4}-\d\d-\d\d/, 'DATE'), a.filter.extensions[0]])).toEqual([
      ['vlab-results-DATE.csv', 'csv'],
      ['vlab-results-DATE.json', 'json'],
      ['vlab-results-DATE.md', 'md'],
      ['vlab-grid-n24-float64.npy', 'npy'],
    ]);
    const doc = JSON.parse(await readFile(join(dataDir, asked[1]!.fileName), 'utf8')) as {
      version: string;
      machine: { appVersion: string };
      records: { samplesMs: number[] }[];
    };
    expect(doc.version).toBe('test');
    expect(doc.records[0]!.samplesMs.length).toBeGreaterThanOrEqual(3);
    expect(await readFile(join(dataDir, asked[2]!.fileName), 'utf8')).toMatch(/^\| Strategy \| n \|.*\n\|:---\|/);
    const npy = await readFile(join(dataDir, asked[3]!.fileName));
    expect(npy.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const dataStart = 10 + npy.readUInt16LE(8);
    const values = new Float64Array(npy.buffer.slice(npy.byteOffset + dataStart, npy.byteOffset + npy.length));
    expect(values).toHaveLength(24 * 24);
    // z[i, j] = x[i] - y[j] / 2 on linspace(-2, 2, 24): the corner z[0, 23] = -2 - 2 / 2.
    expect(values[23]).toBeCloseTo(-3, 12);
    const python = numpyPython();
    if (python === null) return;
    const loaded = execFileSync(python, [
      '-c',
      'import sys, numpy as np; z = np.load(sys.argv[1]); print(z.shape, z.dtype)',
      join(dataDir, asked[3]!.fileName),
    ])
      .toString()
      .trim();
    expect(loaded).toBe('(24, 24) float64');
  });

  it('runs a batch, emits each record as it finishes, and keeps it for the next launch', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    const result = await service.handle('run:start', {
      runId: 'r1',
      nx: 60,
      ny: 60,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float32',
      formula: 'x^2 - y^2',
      strategies: ['loops', 'naive', 'vmap'],
      repeats: 1,
      devices: 0,
      includeFloor: true,
    });
    // loops runs last, so the quick bars do not wait for it; the floor comes after.
    expect(result.records.map((r) => r.strategy)).toEqual(['naive', 'vmap', 'loops', 'limit']);
    expect(result.failures).toEqual([]);
    expect(events.filter((e) => e.event === 'run:record')).toHaveLength(4);
    expect(events.some((e) => e.event === 'run:progress')).toBe(true);
    await service.close();

    const { service: next } = await makeService(dataDir);
    const info = await next.handle('app:info', null);
    expect(info.previousSession?.records.map((r) => r.strategy)).toEqual(['naive', 'vmap', 'loops', 'limit']);
    expect(info.formulaPresets.length).toBeGreaterThan(2);
    expect((await next.handle('session:restore', null)).records).toHaveLength(4);
  });

  it('refuses a second batch while one runs, and cancels on request', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service } = await makeService(dataDir);
    const request = {
      runId: 'long',
      nx: 4000,
      ny: 4000,
      xRange: [-2, 2] as [number, number],
      yRange: [-2, 2] as [number, number],
      dtype: 'float32',
      formula: 'x + y',
      strategies: ['loops'],
      repeats: 3,
      devices: 0,
      includeFloor: false,
    } as const;
    const long = service.handle('run:start', { ...request, strategies: ['loops'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(
      service.handle('run:start', { ...request, runId: 'other', strategies: ['vmap'] }),
    ).rejects.toMatchObject({ kind: 'busy', message: expect.stringMatching(/already in progress \(long\)/) });
    // One task at a time on the run engine: a grid export waits too, refused before its save dialog opens.
    await expect(
      service.handle('export:grid', {
        nx: 10,
        ny: 10,
        xRange: [-2, 2],
        yRange: [-2, 2],
        dtype: 'float32',
        formula: 'x',
      }),
    ).rejects.toMatchObject({ kind: 'busy' });
    await expect(service.handle('classroom:cancel', { taskId: 'long' })).resolves.toEqual({ cancelled: false });
    expect(await service.handle('run:cancel', { runId: 'long' })).toEqual({ cancelled: true });
    const result = await long;
    expect(result.cancelled).toBe(true);
    expect(result.failures[0]).toMatchObject({ strategy: 'loops', kind: 'cancelled' });
  });

  it('cancels the machine measurement on machine:cancel, keeps no profile, and frees the engine', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    const info = await service.handle('app:info', null);
    await expect(service.handle('machine:cancel', null)).resolves.toEqual({ cancelled: false });
    const measuring = service.handle('machine:profile', { measure: true, refresh: false });
    if (!info.engineBuild.nativeAddon) {
      await expect(measuring).rejects.toThrow(/native backend/);
      return;
    }
    // Cancelled once the measurement has begun (its first progress), not before it reached the engine.
    await vi.waitFor(() => expect(events.some((e) => e.event === 'machine:progress')).toBe(true), { timeout: 30_000 });
    await expect(service.handle('machine:cancel', null)).resolves.toEqual({ cancelled: true });
    await expect(measuring).rejects.toMatchObject({ kind: 'cancelled' });
    await expect(service.handle('machine:profile', { measure: false, refresh: false })).resolves.toBeNull();
    await expect(service.handle('machine:cancel', null)).resolves.toEqual({ cancelled: false });
  });

  it('tells the window when the engine crashes, and runs again on a fresh one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    await expect(service.engine.call('engine:crash', null)).rejects.toMatchObject({ name: 'EngineCrashedError' });
    expect(events.find((e) => e.event === 'engine:crashed')?.payload).toMatchObject({
      message: expect.stringMatching(/run engine/),
    });
    const result = await service.handle('run:start', {
      runId: 'after-crash',
      nx: 40,
      ny: 40,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float64',
      formula: 'x * y',
      strategies: ['vmap'],
      repeats: 1,
      devices: 0,
      includeFloor: false,
    });
    expect(result.records[0]).toMatchObject({ strategy: 'vmap', allclose: true });
  });
});
