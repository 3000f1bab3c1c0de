// No GPU at all: the backend is listed unavailable with a reason a user can
// act on, the gpu strategy is greyed out with that reason, and nothing else
// breaks. Proven with VLAB_GPU=none through the real loaders (this file runs
// in its own process), and with injected failures of discovery and of Dawn.

import { afterAll, describe, expect, it } from 'vitest';
import { linspace } from '../core/creation.js';
import type { NDArray } from '../core/ndarray.js';
import { compileFormula } from '../formula/index.js';
import { jit } from '../transforms/jit.js';
import { vmap } from '../transforms/vmap.js';
import { RunRequestError, runStrategy, strategyAvailability } from '../strategies/run.js';
import { backendStatus, devices, loadBackends } from './registry.js';
import { loadWebGpuBackend } from './webgpu.js';
import { openAdapter } from './webgpuAdapter.js';

const saved = process.env.VLAB_GPU;
process.env.VLAB_GPU = 'none';
await loadBackends();
afterAll(() => {
  if (saved === undefined) delete process.env.VLAB_GPU;
  else process.env.VLAB_GPU = saved;
});

describe('with VLAB_GPU=none', () => {
  it('lists the webgpu backend unavailable, with the reason, and no GPU device', () => {
    const status = backendStatus('webgpu');
    expect(status.available).toBe(false);
    expect(status.available ? '' : status.reason).toMatch(/disabled by VLAB_GPU=none/);
    expect(devices().filter((d) => d.kind === 'gpu')).toEqual([]);
  });

  it('greys out the gpu strategy with that reason and refuses to run it', async () => {
    const gpu = (await strategyAvailability('js')).find((s) => s.strategy === 'gpu');
    expect(gpu).toMatchObject({ available: false });
    expect(gpu!.reason).toMatch(/VLAB_GPU=none/);
    await expect(runStrategy({ strategy: 'gpu', n: 8 })).rejects.toThrow(RunRequestError);
  });

  it('says why when asked to jit for the GPU, while the CPU strategies still run', async () => {
    const f = compileFormula('x + y').fn;
    const x = linspace(0, 1, 4);
    expect(() => jit(f, { backend: 'webgpu' }).lower(x, x)).toThrow(/backend 'webgpu' is unavailable: .*VLAB_GPU=none/);
    const z = jit(vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] }))(x, x) as NDArray;
    expect(z.shape).toEqual([4, 4]);
    z.dispose();
    x.dispose();
    const { record } = await runStrategy({ strategy: 'vmap', n: 8, backend: 'js' });
    expect(record.allclose).toBe(true);
  });
});

describe('injected failures', () => {
  it('a failed discovery makes an unavailable backend that carries the reason', async () => {
    const backend = await loadWebGpuBackend({
      find: async () => ({
        ok: false,
        reason: 'no WebGPU adapter works on this machine (platform: no adapter)',
        probed: [],
      }),
    });
    expect(backend.status()).toEqual({
      available: false,
      reason: 'no WebGPU adapter works on this machine (platform: no adapter)',
    });
    expect(backend.devices()).toEqual([]);
    expect(() => backend.compile({ inputs: [], equations: [], outputs: [] }, { zeroStrides: [] })).toThrow(
      /unavailable: no WebGPU adapter/,
    );
  });

  it('Dawn failing to load is a reason, not a crash', async () => {
    const result = await openAdapter({
      prefer: 'auto',
      importDawn: () => Promise.reject(new Error('libdawn.so: cannot open shared object file')),
    });
    expect(result).toMatchObject({ ok: false });
    expect(result.ok ? '' : result.reason).toMatch(/Dawn \(the webgpu package\) failed to load: libdawn\.so/);
  });

  it('a user pick that matches no adapter says so and how to undo it', async () => {
    const result = await openAdapter({
      prefer: 'no-such-gpu-name',
      importDawn: async () => ({
        create: () => {
          throw new Error('unused');
        },
        globals: {},
      }),
      isolateProbe: false,
      timeoutMs: 2000,
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/VLAB_GPU=no-such-gpu-name matches no working adapter.*unset it/);
  });
});
