// AppInfo from the engine without waiting on the slow probes: while Dawn's
// adapter is still being found, engine:info answers with the GPU pending and
// a run on the CPU goes ahead; engine:probes answers once the probe settles,
// with nothing pending. Dawn's discovery is gated by hand (this file runs in
// its own process, so the registry's loader is its own).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWebGpuBackend } from '../../compute/backends/webgpu.js';
import { backendStatus, registerBackendLoader } from '../../compute/backends/registry.js';
import { runStrategy } from '../../compute/strategies/run.js';
import { engineInfo, engineProbes } from './engineInfo.js';

const dataDir = await mkdtemp(join(tmpdir(), 'vlab-engine-info-'));
const savedDataDir = process.env.VLAB_DATA_DIR;
process.env.VLAB_DATA_DIR = dataDir;
afterAll(async () => {
  if (savedDataDir === undefined) delete process.env.VLAB_DATA_DIR;
  else process.env.VLAB_DATA_DIR = savedDataDir;
  await rm(dataDir, { recursive: true, force: true });
});

let openGate: () => void = () => {};
const gate = new Promise<void>((resolve) => (openGate = resolve));
let discoveries = 0;
registerBackendLoader('webgpu', async () => {
  discoveries++;
  await gate;
  return loadWebGpuBackend({ find: async () => ({ ok: false, reason: 'no adapter (a test)', probed: [] }) });
});

describe("the engine's AppInfo and its probes", () => {
  it('answers engine:info at once, with the GPU pending and in words, while its probe is under way', async () => {
    const probes = engineProbes();
    const info = await engineInfo();
    const gpu = info.availability.find((a) => a.strategy === 'gpu');
    expect(gpu).toMatchObject({ available: false, pending: true });
    expect(gpu!.reason).toMatch(/still loading/);
    expect(info.machine.gpuAdapter).toBe('probing…');
    // The CPU's strategies are known: nothing of theirs waits.
    for (const strategy of ['vmap', 'pmap', 'meshgrid'])
      expect(info.availability.find((a) => a.strategy === strategy)?.pending).toBeUndefined();
    expect(backendStatus('webgpu')).toMatchObject({ available: false, pending: true });

    // A run on the CPU goes ahead while Dawn is still being probed.
    const { record } = await runStrategy({ strategy: 'vmap', n: 16, backend: 'js' });
    expect(record.allclose).toBe(true);
    expect(backendStatus('webgpu')).toMatchObject({ pending: true });

    openGate();
    const probed = await probes;
    expect(probed.availability.filter((a) => a.pending)).toEqual([]);
    expect(probed.availability.find((a) => a.strategy === 'gpu')).toMatchObject({
      available: false,
      reason: 'no adapter (a test)',
    });
    expect(probed.gpuAdapter).toBe('none');
    // Probed once, however many asked.
    await engineProbes();
    expect(discoveries).toBe(1);
  });
});
