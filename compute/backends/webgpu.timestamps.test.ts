// Kernel time by the GPU's own clock. Discovery prefers Mesa's OpenGL adapter
// on machines without a GPU, and it has no timestamp queries; SwiftShader
// (shipped with Chromium, which CI installs) has them, so this file opens it
// by name to keep the timestamp path tested. Skipped where it is missing.

import { afterAll, describe, expect, it } from 'vitest';
import { linspace } from '../core/creation.js';
import { NDArray } from '../core/ndarray.js';
import { type Value, traceFunction } from '../core/trace.js';
import * as np from '../ops.js';
import { compileFormula } from '../formula/index.js';
import { vmap } from '../transforms/vmap.js';
import { loadWebGpuBackend } from './webgpu.js';
import { type FindResult, openAdapter } from './webgpuAdapter.js';

const opened = await openAdapter({ prefer: 'swiftshader' });
const timestamps = opened.ok && opened.opened.device.features.has('timestamp-query');
if (!timestamps)
  console.warn(
    `timestamp tests skipped: ${opened.ok ? `${opened.opened.label} has no timestamp queries` : opened.reason}`,
  );
const find = async (): Promise<FindResult> =>
  opened.ok
    ? { ok: true, chosen: opened.opened.probe, probed: opened.probed, open: async () => opened.opened }
    : opened;
const backend = timestamps ? await loadWebGpuBackend({ find }) : null;
afterAll(() => backend?.destroy());

describe.runIf(timestamps)('kernel time by timestamp queries', () => {
  it('times the compute passes on the GPU, within the wall time of the run, also across tiles and chunks', async () => {
    const f = compileFormula('cos(x^2 + y^2) / (1 + x^2 + y^2)').fn;
    const grid = vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] });
    const x = linspace(-2, 2, 300);
    const graph = traceFunction(grid, [
      { shape: [300], dtype: 'float32' },
      { shape: [300], dtype: 'float32' },
    ]).graph;
    const tiled = await loadWebGpuBackend({ find, maxBindingBytes: 64 * 1024, chunkBytes: 128 * 1024 });
    for (const b of [backend!, tiled]) {
      const executable = b.compile(graph, { zeroStrides: [[false], [false]] });
      await executable.run([x, x]).then((outs) => outs.forEach((o) => o.dispose()));
      const started = performance.now();
      const [z] = await executable.run([x, x]);
      const wallMs = performance.now() - started;
      const plan = executable.lastPlan();
      expect(plan.kernelClock).toBe('timestamps');
      const { kernelMs } = executable.lastTimings();
      expect(kernelMs).toBeGreaterThan(0);
      expect(kernelMs).toBeLessThanOrEqual(wallMs);
      z!.dispose();
    }
    x.dispose();
  });

  it("times a reduction's passes (pass 1 in several submissions, pass 2 beside the last) on the GPU", async () => {
    const x = NDArray.from(
      Array.from({ length: 50_000 }, (_, i) => Math.cos(i)),
      'float32',
    );
    const graph = traceFunction((v: Value) => [np.max(v), np.argmax(v)], [{ shape: [50_000], dtype: 'float32' }]).graph;
    const chunked = await loadWebGpuBackend({ find, chunkBytes: 4096 });
    const executable = chunked.compile(graph, { zeroStrides: [[false]] });
    const started = performance.now();
    const [max, argmax] = await executable.run([x]);
    const wallMs = performance.now() - started;
    expect(executable.lastPlan()).toMatchObject({ kernelClock: 'timestamps', reductions: 1 });
    expect(executable.lastPlan().chunks).toBeGreaterThan(1);
    const { kernelMs } = executable.lastTimings();
    expect(kernelMs).toBeGreaterThan(0);
    expect(kernelMs).toBeLessThanOrEqual(wallMs);
    // cos(0) is 1, and so is cos(710) in float32 (710 is within 6e-5 of 113·2π): the first of the tie wins.
    expect([max!.item(), argmax!.item()]).toEqual([1, 0]);
    for (const a of [x, max!, argmax!]) a.dispose();
    chunked.destroy();
  });
});
