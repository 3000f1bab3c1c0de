// The webgpu backend on whatever adapter discovery picks here (a software one
// on machines without a GPU, as in CI): results against a float64 reference,
// tiling and 2D dispatch under forced small limits, the pipeline cache, the
// split timings, and non-finite values. Skipped, with the reason printed,
// where no adapter works at all; webgpu.unavailable.test.ts covers that path.
// The tiling arithmetic alone, without a GPU, is webgpuTiling.test.ts.

import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { isclose } from '../core/allclose.js';
import { linspace, meshgrid } from '../core/creation.js';
import type { DType } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { ELEMENTWISE_PRIMITIVES, type ElementwisePrimitive, arity, scalarSemantics } from '../core/primitives.js';
import { type Value, traceFunction } from '../core/trace.js';
import { FORMULA_PRESETS, compileFormula } from '../formula/index.js';
import * as np from '../ops.js';
import { jit } from '../transforms/jit.js';
import { vmap } from '../transforms/vmap.js';
import { zeroStrideAxes } from './fuse.js';
import { backendStatus, devices, loadBackends, registerBackendLoader } from './registry.js';
import { type WebGpuBackend, type WebGpuExecutable, loadWebGpuBackend } from './webgpu.js';
import { type FindResult, openAdapter } from './webgpuAdapter.js';

const opened = await openAdapter();
if (!opened.ok) console.warn(`webgpu tests skipped: ${opened.reason}`);
/** Every backend in this file shares the one device opened above. */
const shared = async (): Promise<FindResult> =>
  opened.ok
    ? { ok: true, chosen: opened.opened.probe, probed: opened.probed, open: async () => opened.opened }
    : opened;
const gpu: WebGpuBackend | null = opened.ok ? await loadWebGpuBackend({ find: shared }) : null;
if (gpu) {
  registerBackendLoader('webgpu', async () => gpu);
  await loadBackends();
}
afterAll(() => gpu?.destroy());

/** z[i, j] = f(x[i], y[j]) as the lesson's vmap strategy writes it. */
const onGrid = (f: (x: Value, y: Value) => Value) => vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] });

/** The same graph in float64 on the JS backend, at the float32 points the GPU saw. */
function reference(f: (...args: Value[]) => Value | Value[], args: readonly NDArray[]): NDArray {
  const wide = args.map((a) => a.astype('float64'));
  try {
    return jit(f)(...wide) as NDArray;
  } finally {
    for (const w of wide) if (!args.includes(w)) w.dispose();
  }
}

/** Every element within float32's tolerance of the float64 reference: 1e-5 relative (1e-6 absolute near zero). */
function expectClose(result: NDArray, expected: NDArray, what: string): void {
  expect(result.shape).toEqual(expected.shape);
  const got = result.toTypedArray();
  const want = expected.toTypedArray();
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 5; i++) {
    if (!isclose(got[i]!, want[i]!, { rtol: 1e-5, atol: 1e-6, equalNan: true }))
      bad.push(`[${i}] ${got[i]} vs ${want[i]}`);
  }
  expect(bad, `${what}: elements off the float64 reference`).toEqual([]);
}

function compileOn(
  backend: WebGpuBackend,
  f: (...args: Value[]) => Value | Value[],
  args: readonly NDArray[],
): WebGpuExecutable {
  const traced = traceFunction(
    f,
    args.map((a) => ({ shape: a.shape, dtype: a.dtype })),
  );
  return backend.compile(traced.graph, { zeroStrides: args.map(zeroStrideAxes) });
}

describe.runIf(gpu)(`webgpu backend (${opened.ok ? opened.opened.label : 'no adapter'})`, () => {
  const backend = gpu!;

  it('is listed as a GPU device, named by its adapter, software or not', () => {
    const gpus = devices().filter((d) => d.kind === 'gpu');
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({
      id: 'webgpu:0',
      backend: 'webgpu',
      software: opened.ok && opened.opened.probe.software,
    });
    expect(gpus[0]!.name.length).toBeGreaterThan(3);
    expect(backendStatus('webgpu')).toEqual({ available: true });
  });

  const extra = [
    'pow(abs(x) + 0.5, y) + x^5 - (y + 3)^-2',
    'log(1 + x^2) * sqrt(x^2 + y^2) - tan(x/2)',
    'min(x, y^2) + max(sin(3*x), cos(2*y)) - abs(x - y)',
  ];
  const formulas = [...FORMULA_PRESETS.map((p) => p.formula), ...extra];

  it.each(formulas.map((f) => [f]))(
    'jit(vmap(vmap(f)), backend webgpu) matches float64 within 1e-5: %s',
    async (text) => {
      const f = compileFormula(text).fn;
      const g = jit(onGrid(f), { backend: 'webgpu' });
      const x = linspace(-2, 2, 37);
      const y = linspace(-2, 2, 53);
      const z = (await g.run([x, y])) as NDArray;
      const expected = reference(onGrid(f), [x, y]);
      expect(z.dtype).toBe('float32');
      expectClose(z, expected, text);
      for (const a of [x, y, z, expected]) a.dispose();
    },
  );

  it('reads broadcast, transposed and scalar inputs by index, and computes several outputs in one call', async () => {
    const f = (a: Value, b: Value, c: Value) => [np.add(np.mul(a, b), c), np.cos(np.sub(b, np.transpose(a, [1, 0])))];
    const a = NDArray.from(
      Array.from({ length: 6 * 6 }, (_, i) => i / 7 - 2),
      'float32',
      [6, 6],
    );
    const row = NDArray.from([1, -2, 3, 0.5, -0.25, 4], 'float32').broadcastTo([6, 6]);
    const c = NDArray.scalar(0.75, 'float32');
    const outs = (await jit(f, { backend: 'webgpu' }).run([a, row, c])) as NDArray[];
    const wide = [a, row, c].map((t) => t.astype('float64'));
    const expected = jit(f)(...wide) as NDArray[];
    expectClose(outs[0]!, expected[0]!, 'a * b + c');
    expectClose(outs[1]!, expected[1]!, 'cos(b - aᵀ)');
    for (const t of [a, row, c, ...wide, ...outs, ...expected]) t.dispose();
  });

  it('handles edge shapes: identity, rank 0, rank 3 with a permutation, the same array twice, empty', async () => {
    const cube = NDArray.from(
      Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 11.5),
      'float32',
      [2, 3, 4],
    );
    const scalar = NDArray.scalar(-0.75, 'float32');
    const empty = NDArray.empty([0, 5], 'float32');
    const cases: [string, (...args: Value[]) => Value, NDArray[]][] = [
      ['identity', (a) => a, [cube]],
      ['rank 0', (a) => np.exp(a), [scalar]],
      ['rank 3, permuted', (a) => np.mul(np.transpose(a, [2, 0, 1]), np.sin(np.transpose(a, [2, 0, 1]))), [cube]],
      ['same array twice', (a, b) => np.sub(np.square(a), b), [cube, cube]],
      ['empty', (a) => np.cos(a), [empty]],
    ];
    for (const [what, f, args] of cases) {
      const [z] = await compileOn(gpu!, f, args).run(args);
      const expected = reference(f, args);
      expectClose(z!, expected, what);
      for (const a of [z!, expected]) a.dispose();
    }
    for (const a of [cube, scalar, empty]) a.dispose();
  });

  it('answers a float64 request in float32 and says so in the result dtype', async () => {
    const f = compileFormula('cos(x^2 + y^2) / (1 + x^2 + y^2)').fn;
    const x = linspace(-2, 2, 20, { dtype: 'float64' });
    const executable = jit(onGrid(f), { backend: 'webgpu' }).lower(x, x).executable as WebGpuExecutable;
    expect(executable.computedDtype).toBe<DType>('float32');
    const [z] = await executable.run([x, x]);
    expect(z!.dtype).toBe('float32');
    const expected = reference(onGrid(f), [x, x]);
    expectClose(z!, expected, 'float64 request');
    for (const a of [x, z!, expected]) a.dispose();
  });

  it('builds one pipeline per graph signature: a second jit of the same function, or another n, hits the cache', async () => {
    const f = compileFormula('sin(x) * exp(-y^2) + 0.125').fn;
    const x = linspace(-1, 1, 30);
    const before = backend.pipelineCacheStats();
    const first = jit(onGrid(f), { backend: 'webgpu' });
    const z1 = (await first.run([x, x])) as NDArray;
    const afterFirst = backend.pipelineCacheStats();
    expect(afterFirst.built).toBe(before.built + 1);
    const second = jit(onGrid(f), { backend: 'webgpu' });
    const z2 = (await second.run([x, x])) as NDArray;
    const afterSecond = backend.pipelineCacheStats();
    expect(afterSecond).toEqual({ built: afterFirst.built, hits: afterFirst.hits + 1 });
    expect(z2.toTypedArray()).toEqual(z1.toTypedArray());
    // Sizes are uniforms, not source: a new n is a new jit signature but the same pipeline.
    const x2 = linspace(-1, 1, 41);
    const z3 = (await second.run([x2, x2])) as NDArray;
    expect(second.cacheSize).toBe(2);
    expect(backend.pipelineCacheStats()).toEqual({ built: afterFirst.built, hits: afterFirst.hits + 2 });
    for (const a of [x, x2, z1, z2, z3]) a.dispose();
  });

  it('splits each run into upload, kernel and read-back times', async () => {
    const f = compileFormula('tanh(3*x) * cos(y)').fn;
    const x = linspace(-2, 2, 200);
    const g = jit(onGrid(f), { backend: 'webgpu' });
    const z = (await g.run([x, x])) as NDArray;
    const timings = g.lower(x, x).executable.lastTimings!();
    for (const key of ['uploadMs', 'kernelMs', 'readbackMs'] as const) {
      expect(timings[key]).toBeGreaterThanOrEqual(0);
      expect(timings[key]).toBeLessThan(10_000);
    }
    // Timed by the GPU's own clock where the adapter offers it (SwiftShader does, Mesa's OpenGL does not).
    const timestamps = opened.ok && opened.opened.device.features.has('timestamp-query');
    expect((g.lower(x, x).executable as WebGpuExecutable).lastPlan().kernelClock).toBe(
      timestamps ? 'timestamps' : 'fence',
    );
    const floor = await backend.measureWriteFloor!(200 * 200, 'float32', 2);
    expect(floor.ms).toBeGreaterThan(0);
    for (const a of [x, z]) a.dispose();
  });

  it('keeps Dawn alive while its device is in use, through garbage collection (in a child: a regression hangs it)', () => {
    const script = `
      import { loadWebGpuBackend } from ${JSON.stringify(new URL('./webgpu.ts', import.meta.url).href)};
      import { traceFunction } from ${JSON.stringify(new URL('../core/trace.ts', import.meta.url).href)};
      import { NDArray } from ${JSON.stringify(new URL('../core/ndarray.ts', import.meta.url).href)};
      import { cos } from ${JSON.stringify(new URL('../ops.ts', import.meta.url).href)};
      const backend = await loadWebGpuBackend();
      const x = NDArray.from([1, 2, 3], 'float32');
      const run = backend.compile(traceFunction(cos, [{ shape: [3], dtype: 'float32' }]).graph, { zeroStrides: [[false]] });
      for (let k = 0; k < 4; k++) {
        (await run.run([x]))[0].dispose();
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      process.stdout.write('survived');
    `;
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stdout, child.stderr).toBe('survived');
    expect(child.status).toBe(0);
  });

  it('refuses, with the limit, an output beyond 32-bit indices', () => {
    const big = { shape: [70_000, 70_000], dtype: 'float32' as const };
    const traced = traceFunction((a: Value) => np.cos(a), [big]);
    expect(() => backend.compile(traced.graph, { zeroStrides: [[false, false]] })).toThrow(
      /32-bit indices .* n ≤ 65535/,
    );
  });

  it('runs are cancellable through their signal', async () => {
    const x = linspace(-2, 2, 50);
    const controller = new AbortController();
    controller.abort();
    const g = jit(onGrid(compileFormula('x * y').fn), { backend: 'webgpu' });
    await expect(g.run([x, x], { signal: controller.signal })).rejects.toThrow(/cancelled/);
    x.dispose();
  });
});

describe.runIf(gpu)('webgpu tiling under forced small limits', () => {
  // 1 KiB bindings (256 float32s, 4 × the 64-element offset alignment), 3 workgroups
  // of 64 per dimension, two tiles per round trip: every path a large output takes.
  const small = gpu
    ? loadWebGpuBackend({
        find: shared,
        maxBindingBytes: 1024,
        maxWorkgroupsPerDimension: 3,
        workgroupSize: 64,
        chunkBytes: 2048,
      })
    : null;
  const lesson = compileFormula('cos(x^2 + y^2) / (1 + x^2 + y^2)').fn;

  it('cuts a 45×61 output into tiles, dispatches in 2D, and agrees bit for bit with the untiled kernel', async () => {
    const backend = await small!;
    const x = linspace(-2, 2, 45);
    const y = linspace(-2, 2, 61);
    const tiled = compileOn(backend, onGrid(lesson), [x, y]);
    const [z] = await tiled.run([x, y]);
    const plan = tiled.lastPlan();
    expect(plan.tiles).toBe(Math.ceil((45 * 61) / 256));
    expect(plan.chunks).toBe(Math.ceil(plan.tiles / 2));
    expect(plan.twoDimensional).toBe(true);
    const whole = compileOn(gpu!, onGrid(lesson), [x, y]);
    const [w] = await whole.run([x, y]);
    expect(whole.lastPlan()).toMatchObject({ tiles: 1, chunks: 1 });
    expect(z!.toTypedArray()).toEqual(w!.toTypedArray());
    const expected = reference(onGrid(lesson), [x, y]);
    expectClose(z!, expected, 'tiled');
    for (const a of [x, y, z!, w!, expected]) a.dispose();
  });

  it('indexes a whole output by rows (no index division) and agrees bit for bit with flat tiles, rank 2 and 3', async () => {
    const backend = await small!;
    const x = linspace(-2, 2, 40);
    // Rows of 256: as wide as a workgroup of the default backend, as long as one binding of the small one.
    const y = linspace(-2, 2, 256);
    const cube = NDArray.from(
      Array.from({ length: 3 * 4 * 256 }, (_, i) => Math.sin(i)),
      'float32',
      [3, 4, 256],
    );
    const row = NDArray.from(
      Array.from({ length: 4 }, (_, i) => i - 1.5),
      'float32',
      [4, 1],
    );
    const cases: [string, (...args: Value[]) => Value | Value[], NDArray[]][] = [
      ['lesson grid', onGrid(lesson), [x, y]],
      ['rank 3, broadcast middle axis', (a: Value, b: Value) => np.mul(np.cos(a), np.add(b, 1)), [cube, row]],
    ];
    for (const [what, f, args] of cases) {
      const byRows = compileOn(gpu!, f, args);
      const [r] = await byRows.run(args);
      expect(byRows.lastPlan(), what).toMatchObject({ tiles: 1, rowIndexed: true });
      const flat = compileOn(backend, f, args);
      const [t] = await flat.run(args);
      expect(flat.lastPlan().rowIndexed, what).toBe(false);
      expect(r!.toTypedArray(), what).toEqual(t!.toTypedArray());
      const expected = reference(f, args);
      expectClose(r!, expected, what);
      for (const a of [r!, t!, expected]) a.dispose();
    }
    for (const a of [x, y, cube, row]) a.dispose();
  });

  it('binds a window of each input larger than one binding (meshgrid inputs)', async () => {
    const backend = await small!;
    const x = linspace(-2, 2, 40);
    const y = linspace(-2, 2, 33);
    const [xm, ym] = meshgrid(x, y, { indexing: 'ij' });
    const executable = compileOn(backend, lesson as (...args: Value[]) => Value, [xm!, ym!]);
    const [z] = await executable.run([xm!, ym!]);
    expect(executable.lastPlan().tiles).toBeGreaterThan(1);
    const expected = reference(lesson as (...args: Value[]) => Value, [xm!, ym!]);
    expectClose(z!, expected, 'meshgrid inputs, windowed');
    for (const a of [x, y, xm!, ym!, z!, expected]) a.dispose();
  });

  it('explains, rather than miscomputes, an input too large to window in the order it is read', async () => {
    const backend = await small!;
    const a = NDArray.from(
      Array.from({ length: 40 * 40 }, (_, i) => i),
      'float32',
      [40, 40],
    );
    const executable = compileOn(backend, (t: Value) => np.add(np.transpose(t, [1, 0]), 1), [a]);
    await expect(executable.run([a])).rejects.toThrow(/storage binding.*contiguous/);
    a.dispose();
  });
});

describe.runIf(gpu)('non-finite values on the GPU', () => {
  const special = [
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    1,
    -1,
    0.5,
    -2,
    3,
    1e-3,
    88,
    89,
    -104,
    100,
    1e4,
    -1e4,
    1e30,
    -1e30,
    7.25,
  ];
  const a: number[] = [];
  const b: number[] = [];
  for (const u of special) {
    for (const v of special) {
      a.push(u);
      b.push(v);
    }
  }

  /** What each primitive must give on float32 operands: NaN where the reference has NaN, the same infinity, else within tolerance. */
  const cases: [ElementwisePrimitive, object][] = ELEMENTWISE_PRIMITIVES.flatMap(
    (p): [ElementwisePrimitive, object][] =>
      p === 'integer_pow'
        ? [
            [p, { y: 0 }],
            [p, { y: 3 }],
            [p, { y: -2 }],
            [p, { y: 7 }],
            [p, { y: -9 }],
          ]
        : [[p, {}]],
  );

  it.each(cases)('%s %j agrees with the scalar semantics on NaN, ±Inf, ±0 and overflow', async (primitive, params) => {
    const A = NDArray.from(a, 'float32');
    const B = NDArray.from(b, 'float32');
    const two = arity(primitive) === 2;
    const executable = compileOn(
      gpu!,
      (x: Value, y: Value) => np.bind(primitive, two ? [x, y] : [x], params as never),
      [A, B],
    );
    const [out] = await executable.run([A, B]);
    const got = out!.toTypedArray();
    const meaning = scalarSemantics[primitive] as (x: number, y: number, p: object) => number;
    const bad: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const x = Math.fround(a[i]!);
      const y = Math.fround(b[i]!);
      const want = Math.fround(meaning(x, y, params));
      const value = got[i]!;
      const trigBeyondReduction =
        ['sin', 'cos', 'tan'].includes(primitive) && Math.abs(x) >= 8192 && Number.isFinite(x);
      const ok = trigBeyondReduction
        ? Number.isFinite(value) && (primitive === 'tan' || Math.abs(value) <= 1)
        : isclose(value, want, { rtol: 2e-6, atol: 1e-30, equalNan: true });
      if (!ok) bad.push(`${primitive}(${two ? `${x}, ${y}` : x}) = ${value}, expected ${want}`);
    }
    expect([...new Set(bad)].slice(0, 8)).toEqual([]);
    for (const t of [A, B, out!]) t.dispose();
  });
});
