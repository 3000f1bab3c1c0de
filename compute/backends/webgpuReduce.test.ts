// The fused map-reduce on the webgpu backend (two WGSL passes), on whatever
// adapter discovery picks here, against the js backend: every reduction on
// sizes that are not multiples of the workgroup, one element, runs whose
// partials outnumber pass 2's workgroup, runs cut into several submissions,
// ties, NaN, reductions over some axes, and the float32 sum's accuracy
// against a float64 reference. Skipped, with the reason printed, where no
// adapter works at all (webgpu.unavailable.test.ts covers that path).

import { afterAll, describe, expect, it } from 'vitest';
import { linspace } from '../core/creation.js';
import { NDArray } from '../core/ndarray.js';
import { type Value, traceFunction } from '../core/trace.js';
import { compileFormula } from '../formula/index.js';
import * as np from '../ops.js';
import { jit } from '../transforms/jit.js';
import { vmap } from '../transforms/vmap.js';
import { zeroStrideAxes } from './fuse.js';
import { loadBackends, registerBackendLoader } from './registry.js';
import { compileGraph } from './staged.js';
import { type WebGpuBackend, type WebGpuExecutable, loadWebGpuBackend } from './webgpu.js';
import { type FindResult, openAdapter } from './webgpuAdapter.js';
import { REDUCE_GROUPS } from './webgpuTiling.js';

const opened = await openAdapter();
if (!opened.ok) console.warn(`webgpu reduction tests skipped: ${opened.reason}`);
/** Every backend in this file shares the one device opened above. */
const shared = async (): Promise<FindResult> =>
  opened.ok
    ? { ok: true, chosen: opened.opened.probe, probed: opened.probed, open: async () => opened.opened }
    : opened;
const gpu: WebGpuBackend | null = opened.ok ? await loadWebGpuBackend({ find: shared }) : null;
// Workgroups of 4, at most 5 of them in pass 1, and 64-byte submissions: a run of 17 already has more partials
// than pass 2 has invocations, and every run longer than 20 elements is folded in over several submissions.
const small: WebGpuBackend | null = opened.ok
  ? await loadWebGpuBackend({ find: shared, workgroupSize: 4, maxWorkgroupsPerDimension: 5, chunkBytes: 64 })
  : null;
if (gpu) {
  registerBackendLoader('webgpu', async () => gpu);
  await loadBackends();
}
afterAll(() => {
  small?.destroy();
  gpu?.destroy();
});

const REDUCTIONS = {
  sum: np.sum,
  max: np.max,
  min: np.min,
  argmax: np.argmax,
  argmin: np.argmin,
  mean: np.mean,
} satisfies Record<string, (x: Value) => Value>;
type Reduction = keyof typeof REDUCTIONS;
const NAMES = Object.keys(REDUCTIONS) as Reduction[];

/** Every reduction of map(x), as one jitted graph (max and argmax share a pass). */
const allOf = (map: (x: Value) => Value) => (x: Value) => NAMES.map((name) => REDUCTIONS[name](map(x)));

function traced(f: (...a: Value[]) => Value[], args: readonly NDArray[]) {
  return traceFunction(
    f,
    args.map((a) => ({ shape: a.shape, dtype: a.dtype })),
  ).graph;
}

/** f's outputs computed on `backend`, staged as jit stages them (mean: a sum, then a division). */
async function onGpu(backend: WebGpuBackend, f: (...a: Value[]) => Value[], args: NDArray[]): Promise<number[][]> {
  const executable = compileGraph(backend, traced(f, args), { zeroStrides: args.map(zeroStrideAxes) });
  const outs = await executable.run(args);
  const values = outs.map((o) => Array.from(o.toTypedArray()));
  for (const o of outs) o.dispose();
  return values;
}

/** One stage's executable, whose dispatch plan a test reads. */
function compileOn(backend: WebGpuBackend, f: (...a: Value[]) => Value[], args: NDArray[]): WebGpuExecutable {
  return backend.compile(traced(f, args), { zeroStrides: args.map(zeroStrideAxes) });
}

function onJs(f: (...a: Value[]) => Value[], args: NDArray[]): number[][] {
  const outs = jit(f, { backend: 'js' })(...args) as NDArray[];
  const values = outs.map((o) => Array.from(o.toTypedArray()));
  for (const o of outs) o.dispose();
  return values;
}

/** Small integers with many ties (exact in float32, so every backend must agree to the bit). */
function tiedIntegers(n: number, seed: number): NDArray {
  return NDArray.from(
    Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % 13) - 6),
    'float32',
  );
}

describe.runIf(gpu)('fused map-reduce on the webgpu backend', () => {
  const sizes = [1, 2, 3, 5, 17, 63, 65, 257, 1000, 4099];

  it.each(sizes.map((n) => [n]))(
    'sum, max, min, argmax, argmin and mean of 2x - 1 agree exactly with the js backend, n = %i',
    async (n) => {
      const x = tiedIntegers(n, n);
      const f = allOf((v) => np.sub(np.mul(v, 2), 1));
      const expected = onJs(f, [x]);
      const mean = NAMES.indexOf('mean');
      for (const backend of [gpu!, small!]) {
        const got = await onGpu(backend, f, [x]);
        // The sum is exact; the mean is its float32 division by n, which WGSL allows 2.5 ulp.
        expect(got.filter((_, k) => k !== mean)).toEqual(expected.filter((_, k) => k !== mean));
        expect(got[mean]![0]).toBeCloseTo(expected[mean]![0]!, 5);
      }
      x.dispose();
    },
  );

  it('keeps the first index of a tied extreme, as jnp.argmax, however the partials split the run', async () => {
    // The extreme at 3, 40 and 1999: each tie falls in another workgroup, and on the small backend in another submission.
    const values = Array.from({ length: 2001 }, (_, i) => Math.sin(i) / 2);
    for (const at of [3, 40, 1999]) values[at] = 7;
    for (const at of [5, 41, 2000]) values[at] = -7;
    const x = NDArray.from(values, 'float32');
    for (const backend of [gpu!, small!]) {
      const [argmax, argmin] = await onGpu(backend, (v) => [np.argmax(v), np.argmin(v)], [x]);
      expect([argmax, argmin]).toEqual([[3], [5]]);
    }
    x.dispose();
  });

  it('propagates NaN as NumPy does: max, min and sum are NaN, argmax and argmin the first NaN', async () => {
    for (const n of [1, 18, 300]) {
      const values = Array.from({ length: n }, (_, i) => i % 7);
      values[n - 1] = NaN;
      if (n > 10) values[n - 10] = NaN;
      const x = NDArray.from(values, 'float32');
      const f = allOf((v) => np.add(v, 1));
      const expected = onJs(f, [x]);
      const firstNan = values.findIndex(Number.isNaN);
      expect(expected[NAMES.indexOf('argmax')]).toEqual([firstNan]);
      for (const backend of [gpu!, small!]) expect(await onGpu(backend, f, [x])).toEqual(expected);
      x.dispose();
    }
  });

  it('sums through infinities as NumPy does: inf, or NaN when both signs meet', async () => {
    const x = NDArray.from([1, Infinity, 2, 3, 4, 5], 'float32');
    const mixed = NDArray.from([1, Infinity, 2, -Infinity, 4], 'float32');
    for (const backend of [gpu!, small!]) {
      expect(await onGpu(backend, (v) => [np.sum(v), np.max(v), np.argmin(v)], [x])).toEqual([
        [Infinity],
        [Infinity],
        [0],
      ]);
      expect(await onGpu(backend, (v) => [np.sum(v)], [mixed])).toEqual([[NaN]]);
    }
    x.dispose();
    mixed.dispose();
  });

  it('reduces over some axes: one result per kept index, each from its own partials', async () => {
    const a = NDArray.from(
      Array.from({ length: 5 * 37 }, (_, i) => ((i * 31) % 11) - 5),
      'float32',
      [5, 37],
    );
    const f = (v: Value) => [np.sum(np.abs(v), 1), np.max(v, 0), np.argmin(v, 1), np.argmax(v, 0)];
    expect(await onGpu(gpu!, f, [a])).toEqual(onJs(f, [a]));
    const rows = (v: Value) => [np.sum(np.abs(v), 1), np.argmin(v, 1)];
    const executable = compileOn(small!, rows, [a]);
    const outs = await executable.run([a]);
    expect(outs.map((o) => Array.from(o.toTypedArray()))).toEqual(onJs(rows, [a]));
    expect(executable.lastPlan()).toMatchObject({ twoDimensional: true, reductions: 2 });
    for (const o of outs) o.dispose();
    // 37 results would need 37 workgroup rows, beyond the small backend's 5: refused, with the numbers.
    await expect(compileOn(small!, (v) => [np.max(v, 0)], [a]).run([a])).rejects.toThrow(
      /reduction to 37 values needs one workgroup row per value, beyond this GPU's 5/,
    );
    a.dispose();
  });

  const lesson = compileFormula('cos(x^2 + y^2) / (1 + x^2 + y^2)').fn;
  const grid = vmap(vmap(lesson, { inAxes: [null, 0] }), { inAxes: [0, null] }) as (x: Value, y: Value) => Value;

  it('reduces the lesson grid without storing it: max and argmax in one two-pass kernel, partials only', async () => {
    const x = linspace(-2, 2, 301);
    const y = linspace(-2, 2, 299);
    const f = (a: Value, b: Value) => {
      const z = grid(a, b);
      return [np.max(z), np.argmax(z)];
    };
    const executable = compileOn(gpu!, f, [x, y]);
    const [max, argmax] = await executable.run([x, y]);
    // Shared pass: one reduction; 301 × 299 over 256 invocations a workgroup is 352 partials of 16 bytes, at most.
    const software = opened.ok && opened.opened.probe.software;
    const partials = Math.min(352, software ? REDUCE_GROUPS.software : REDUCE_GROUPS.hardware);
    expect(executable.lastPlan()).toMatchObject({ reductions: 1, partialBytes: partials * 16, rowIndexed: false });
    expect(max!.dtype).toBe('float32');
    expect(argmax!.dtype).toBe('float64');
    // f is 1 at the origin, x[150] = y[149] = 0, and below 0.9999 everywhere else on this grid.
    expect(max!.item()).toBe(1);
    expect(argmax!.item()).toBe(150 * 299 + 149);
    for (const a of [x, y, max!, argmax!]) a.dispose();
  });

  it('caps pass 1 at REDUCE_GROUPS workgroups (fewer on a software adapter), each folding a grid-stride loop', async () => {
    const x = linspace(-2, 2, 1024);
    const executable = compileOn(gpu!, (a: Value, b: Value) => [np.min(grid(a, b))], [x, x]);
    const [min] = await executable.run([x, x]);
    const cap = opened.ok && opened.opened.probe.software ? REDUCE_GROUPS.software : REDUCE_GROUPS.hardware;
    expect(executable.lastPlan().partialBytes).toBe(cap * 16);
    const js = onJs((a: Value, b: Value) => [np.min(grid(a, b))], [x, x]);
    expect(min!.item()).toBeCloseTo(js[0]![0]!, 6);
    for (const a of [x, min!]) a.dispose();
  });

  it('sums a million float32 values of the lesson to within 1e-7 relative of the float64 sum (two-sum partials)', async () => {
    const x = linspace(-2, 2, 1000);
    const y = linspace(-2, 2, 1000);
    const f = (a: Value, b: Value) => [np.sum(grid(a, b)), np.mean(grid(a, b))];
    const [sum, mean] = (await jit(f, { backend: 'webgpu' }).run([x, y])) as NDArray[];
    const [wx, wy] = [x.astype('float64'), y.astype('float64')];
    const reference = (jit(f)(wx, wy) as NDArray[]).map((r) => r.item());
    // The GPU's map values themselves are float32's: the error left is theirs, about 6e-8 relative each, averaging out.
    expect(Math.abs(sum!.item() - reference[0]!) / Math.abs(reference[0]!)).toBeLessThan(1e-7);
    expect(Math.abs(mean!.item() - reference[1]!) / Math.abs(reference[1]!)).toBeLessThan(1e-7);
    // A sequential float32 sum of the same values, for scale, is far worse.
    const values = (jit(grid, { backend: 'js' })(x, y) as NDArray).toTypedArray();
    let naive = 0;
    for (const v of values) naive = Math.fround(naive + v);
    expect(Math.abs(naive - reference[0]!)).toBeGreaterThan(Math.abs(sum!.item() - reference[0]!));
    for (const a of [x, y, wx, wy, sum!, mean!]) a.dispose();
  });

  it('keeps what float32 additions lose: 1e8, 1, -1e8, 1, … sums to the number of ones, as on the js backend', async () => {
    // Every 1 vanishes when added to ±1e8 in float32; the two-sum compensation carries each one through the tree.
    const x = NDArray.from(
      Array.from({ length: 4100 }, (_, i) => (i % 2 ? 1 : i % 4 ? -1e8 : 1e8)),
      'float32',
    );
    const f = (v: Value) => [np.sum(v)];
    expect(onJs(f, [x])).toEqual([[2050]]);
    for (const backend of [gpu!, small!]) expect(await onGpu(backend, f, [x])).toEqual([[2050]]);
    x.dispose();
  });

  it('reports progress to the end over several submissions, and stops when cancelled', async () => {
    const x = tiedIntegers(1000, 3);
    const executable = compileOn(small!, (v) => [np.sum(v)], [x]);
    const progress: number[] = [];
    const [sum] = await executable.run([x], { onProgress: (f) => progress.push(f) });
    expect(sum!.item()).toBe(onJs((v) => [np.sum(v)], [x])[0]![0]);
    // 5 workgroups of 4 fold 20 elements a submission.
    expect(executable.lastPlan().chunks).toBe(1000 / 20);
    expect(progress).toHaveLength(50);
    expect(progress.at(-1)).toBe(1);
    const controller = new AbortController();
    const cancelled = executable.run([x], {
      signal: controller.signal,
      onProgress: (f) => (f > 0.2 ? controller.abort() : undefined),
    });
    await expect(cancelled).rejects.toThrow(/cancelled/);
    for (const a of [x, sum!]) a.dispose();
  });
});
