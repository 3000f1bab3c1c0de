import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configureNativeThreads, loadNativeBackend } from '../backends/native.js';
import { type NativeAddon, loadAddon } from '../backends/nativeAddon.js';
import { loadBackends, registerBackendLoader } from '../backends/registry.js';
import { measureLimit } from './limit.js';
import { pmapDevices, rowSplit } from './pmap.js';
import { RunRequestError, runStrategy, strategyAvailability } from './run.js';
import type { StrategyName } from './types.js';

const addon = loadAddon().addon as NativeAddon | null;
const DEVICES = 4;

beforeAll(async () => {
  if (!addon) return;
  configureNativeThreads(DEVICES);
  registerBackendLoader('native', loadNativeBackend);
  await loadBackends();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('splitting the rows over devices', () => {
  it('uses the devices asked for (0: all), never more than there are rows', () => {
    expect(pmapDevices(6000, 0, 8)).toBe(8);
    expect(pmapDevices(6000, 2, 8)).toBe(2);
    expect(pmapDevices(6000, 16, 8)).toBe(8);
    expect(pmapDevices(3, 0, 8)).toBe(3);
    expect(pmapDevices(1, 0, 8)).toBe(1);
  });

  it('pads n up to a multiple of the device count', () => {
    expect(rowSplit(6000, 4)).toEqual({ rowsPerDevice: 1500, paddedRows: 6000 });
    expect(rowSplit(41, 4)).toEqual({ rowsPerDevice: 11, paddedRows: 44 });
    expect(rowSplit(1, 1)).toEqual({ rowsPerDevice: 1, paddedRows: 1 });
  });
});

describe.skipIf(!addon)('the pmap strategy', () => {
  it.each([40, 41, 1, 3])(
    'n = %i: the same record as every strategy, devices filled, the grid equal to the reference',
    async (n) => {
      const run = vi.spyOn(addon!, 'run');
      const { record } = await runStrategy({ strategy: 'pmap', n, dtype: 'float64', repeats: 2 });
      const devices = Math.min(DEVICES, n);
      expect(record).toMatchObject({
        strategy: 'pmap',
        nx: n,
        ny: n,
        backend: 'native',
        devices,
        shape: [n, n],
        allclose: true,
      });
      // At least the repeats asked for; quick calls are timed more often (timing.ts).
      expect(record.repeats).toBeGreaterThanOrEqual(2);
      expect(record.maxAbsErr).toBeLessThanOrEqual(1e-12);
      expect(record.predictedBytes).toBeGreaterThanOrEqual(record.peakBytes!);
      expect(record.outputBuffer).toBe('recycled');
      expect(record.note).toMatch(new RegExp(`${devices} devices × ${Math.ceil(n / devices)} rows`));
      if (n === 41) expect(record.note).toMatch(/padded by 3 rows/);
      // Each device gets one contiguous part, on its own thread.
      expect(run.mock.calls.every((call) => call[4]?.workers === devices && call[4]?.parts === devices)).toBe(true);
    },
  );

  it('float32 stays within float32 rounding of the reference', async () => {
    const { record } = await runStrategy({ strategy: 'pmap', n: 64, dtype: 'float32' });
    expect(record.allclose).toBe(true);
    expect(record.maxAbsErr).toBeLessThan(1e-5);
  });

  it('takes a device count, and refuses more devices than there are', async () => {
    const { record } = await runStrategy({ strategy: 'pmap', n: 50, dtype: 'float64', devices: 2, repeats: 1 });
    expect(record.devices).toBe(2);
    await expect(runStrategy({ strategy: 'pmap', n: 50, devices: 9 })).rejects.toThrow(RunRequestError);
    await expect(runStrategy({ strategy: 'pmap', n: 50, devices: 9 })).rejects.toThrow(
      /asked for 9 devices but this machine has 4/,
    );
  });

  it('is cancelled mid-run', async () => {
    const controller = new AbortController();
    const running = runStrategy(
      { strategy: 'pmap', n: 2000, dtype: 'float64', repeats: 50 },
      { signal: controller.signal, onProgress: (p) => p.phase === 'repeat' && controller.abort() },
    );
    await expect(running).rejects.toThrow(/cancelled/);
    const { record } = await runStrategy({ strategy: 'pmap', n: 30, dtype: 'float64', repeats: 0 });
    expect(record.allclose).toBe(true);
  });
});

describe.skipIf(!addon)('single-device strategies on the native backend', () => {
  const single: StrategyName[] = ['loops', 'naive', 'meshgrid', 'vmap'];

  it.each(single.map((s) => [s]))('%s runs on one native thread and matches the reference', async (strategy) => {
    const run = vi.spyOn(addon!, 'run');
    const runSync = vi.spyOn(addon!, 'runSync');
    const { record } = await runStrategy({ strategy, n: 30, dtype: 'float64', repeats: 1, backend: 'native' });
    expect(record).toMatchObject({ strategy, backend: 'native', devices: 1 });
    if (strategy !== 'naive') expect(record.allclose).toBe(true);
    expect(record.maxAbsErr).toBeLessThanOrEqual(1e-12);
    const calls = [...run.mock.calls, ...runSync.mock.calls];
    expect(calls.length).toBeGreaterThan(0);
    expect(run.mock.calls.every((call) => call[4]?.workers === 1)).toBe(true);
    expect(runSync.mock.calls.every((call) => call[4] === 1)).toBe(true);
  });

  it('native is the default backend when it loaded, and every strategy is listed with its availability', async () => {
    const { record } = await runStrategy({ strategy: 'vmap', n: 20, dtype: 'float64', repeats: 0 });
    expect(record.backend).toBe('native');
    const listed = await strategyAvailability('native');
    expect(listed.find((s) => s.strategy === 'pmap')).toMatchObject({ available: true });
    expect(listed.find((s) => s.strategy === 'vmap')).toMatchObject({ available: true });
  });

  it('the limit row: writing n² values with every thread', async () => {
    const limit = await measureLimit(300, 'float64', 3);
    expect(limit).toMatchObject({
      strategy: 'limit',
      nx: 300,
      ny: 300,
      backend: 'native',
      devices: DEVICES,
      shape: [300, 300],
    });
    expect(limit!.medianMs).toBeGreaterThan(0);
    expect(limit!.note).toMatch(/GB\/s/);
  });
});
