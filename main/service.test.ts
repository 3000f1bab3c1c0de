import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabService } from './service.js';
import type { EventMap, EventName } from './contract.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function makeService(dataDir: string) {
  const events: { event: EventName; payload: unknown }[] = [];
  const service = new LabService(
    {
      shell: 'web',
      appVersion: 'test',
      dataDir,
      save: async () => ({ status: 'cancelled' }),
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

  it('runs a batch, emits each record as it finishes, and keeps it for the next launch', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    const result = await service.handle('run:start', {
      runId: 'r1',
      n: 60,
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
    const request = { runId: 'long', n: 4000, dtype: 'float32', formula: 'x + y', strategies: ['loops'], repeats: 3, devices: 0, includeFloor: false } as const;
    const long = service.handle('run:start', { ...request, strategies: ['loops'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(service.handle('run:start', { ...request, runId: 'other', strategies: ['vmap'] })).rejects.toThrow(/already in progress/);
    expect(await service.handle('run:cancel', { runId: 'long' })).toEqual({ cancelled: true });
    const result = await long;
    expect(result.cancelled).toBe(true);
    expect(result.failures[0]).toMatchObject({ strategy: 'loops', kind: 'cancelled' });
  });

  it('tells the window when the engine crashes, and runs again on a fresh one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-service-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { service, events } = await makeService(dataDir);
    await expect(service.engine.call('crash', null)).rejects.toMatchObject({ name: 'EngineCrashedError' });
    expect(events.find((e) => e.event === 'engine:crashed')?.payload).toMatchObject({ message: expect.stringMatching(/run engine/) });
    const result = await service.handle('run:start', {
      runId: 'after-crash',
      n: 40,
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
