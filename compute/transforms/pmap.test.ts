import { beforeAll, describe, expect, it } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import { linspace } from '../core/creation.js';
import type { Value } from '../core/trace.js';
import * as np from '../ops.js';
import { CancelledError } from '../backends/backend.js';
import { configureNativeThreads, loadNativeBackend } from '../backends/native.js';
import { loadAddon } from '../backends/nativeAddon.js';
import { loadBackends, registerBackendLoader } from '../backends/registry.js';
import { jit } from './jit.js';
import { pmap } from './pmap.js';
import { vmap } from './vmap.js';

const native = loadAddon().addon !== null;
/** The pool is sized here, before its first run, so the tests see 4 CPU devices on any machine. */
const DEVICES = 4;

beforeAll(async () => {
  if (!native) return;
  configureNativeThreads(DEVICES);
  registerBackendLoader('native', loadNativeBackend);
  await loadBackends();
});

const lessonF = (x: Value, y: Value) => {
  const r = np.add(np.pow(x, 2), np.pow(y, 2));
  return np.div(np.cos(r), np.add(1, r));
};
/** The lesson's rows: f over a block of rows of x and all of y. */
const rows = vmap(vmap(lessonF, { inAxes: [null, 0] }), { inAxes: [0, null] });
/** What pmap(rows) must equal: the same mapping done by vmap, on the JS backend. */
const rowsByVmap = jit(vmap(rows, { inAxes: [0, null] }));

function expectClose(actual: NDArray, expected: NDArray, tolerance: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray();
  const b = expected.toTypedArray();
  let worst = 0;
  let mismatch = -1;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const q = b[i]!;
    if (Number.isNaN(q) || !Number.isFinite(q)) {
      if (!Object.is(p, q) && !(Number.isNaN(p) && Number.isNaN(q)) && mismatch < 0) mismatch = i;
    } else worst = Math.max(worst, Math.abs(p - q));
  }
  expect(mismatch, `element ${mismatch}: ${a[mismatch]} where ${b[mismatch]} was expected`).toBe(-1);
  expect(worst).toBeLessThanOrEqual(tolerance);
}

const grid = (devices: number, perDevice: number, dtype: 'float32' | 'float64' = 'float64') =>
  linspace(-2, 2, devices * perDevice, { dtype }).reshape(devices, perDevice);

describe.skipIf(!native)('pmap over the native threads, with JAX semantics', () => {
  it('lists its devices: the native pool’s threads, CPU devices', () => {
    const devices = pmap(lessonF).devices();
    expect(devices).toHaveLength(DEVICES);
    devices.forEach((d, k) => expect(d).toMatchObject({ id: `native:${k}`, kind: 'cpu', backend: 'native' }));
    expect(
      pmap(lessonF, { devices: 2 })
        .devices()
        .map((d) => d.id),
    ).toEqual(['native:0', 'native:1']);
  });

  it('refuses a mapped axis larger than the device count, naming both numbers and a reshape that fits', () => {
    const x = linspace(0, 1, 15, { dtype: 'float64' }).reshape(5, 3);
    expect(() => pmap((a: Value) => np.sin(a))(x)).toThrow(
      /has size 5 but only 4 devices are available; use at most 4/,
    );
    const y = linspace(0, 1, 12, { dtype: 'float64' }).reshape(4, 3);
    expect(() => pmap((a: Value) => np.sin(a), { devices: 2 })(y)).toThrow(
      /has size 4 but only 2 devices are available; use at most 2 or reshape to \(2, 2, 3\)/,
    );
    expect(() => pmap((a: Value) => np.sin(a), { devices: 8 })(y)).toThrow(
      /asked for 8 devices but only 4 are available/,
    );
  });

  it('maps the leading axis, one slice per device, and equals vmap (float64 to 1e-12, float32 to 1e-5)', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = grid(DEVICES, 37, dtype);
      const y = linspace(-2, 2, 301, { dtype });
      const expected = rowsByVmap(x, y) as NDArray;
      const tolerance = dtype === 'float64' ? 1e-12 : 1e-5;
      const f = pmap(rows, { inAxes: [0, null] });
      expectClose(f(x, y) as NDArray, expected, tolerance);
      expectClose((await f.run([x, y])) as NDArray, expected, tolerance);
      expect(f.lower(x, y).devices).toBe(DEVICES);
    }
  });

  it('takes in_axes like JAX: null for an argument every device gets whole, another axis, numbers', () => {
    const x = linspace(0, 1, 30, { dtype: 'float64' }).reshape(3, 10);
    const y = linspace(5, 6, 10, { dtype: 'float64' });
    const added = pmap((a: Value, b: Value) => np.add(a, b), { inAxes: [0, null] })(x, y) as NDArray;
    expect(added.toList()).toEqual((np.add(x, y) as NDArray).toList());
    const byColumn = pmap((a: Value) => np.mul(a, 2), { inAxes: 1 })(x.transpose()) as NDArray; // (10, 3) mapped along axis 1
    expect(byColumn.toList()).toEqual((np.mul(x, 2) as NDArray).toList());
    const scaled = pmap((a: Value, s: Value) => np.mul(a, s), { inAxes: [0, null] })(x, 3) as NDArray;
    expect(scaled.toList()).toEqual((np.mul(x, 3) as NDArray).toList());
    expect(() => pmap((a: Value, b: Value) => np.add(a, b), { inAxes: [null, null] })(x, y)).toThrow(
      /at least one mapped argument/,
    );
    expect(() => pmap((a: Value, b: Value) => np.add(a, b))(x, linspace(0, 1, 4).reshape(2, 2))).toThrow(
      /inconsistent sizes/,
    );
  });

  it('nested pmaps multiply: (2, 2) fits 4 devices, (2, 3) does not', () => {
    const inner = pmap((a: Value) => np.exp(a));
    const outer = pmap((a: Value) => inner(a) as Value);
    const x = linspace(-1, 1, 20, { dtype: 'float64' }).reshape(2, 2, 5);
    expectClose(outer(x) as NDArray, np.exp(x) as NDArray, 1e-12);
    expect(outer.lower(x).devices).toBe(4);
    const tooMany = linspace(-1, 1, 30, { dtype: 'float64' }).reshape(2, 3, 5);
    expect(() => outer(tooMany)).toThrow(/nested pmaps map 2 × 3 = 6 slices but only 4 devices/);
    const deeper = pmap((a: Value) => pmap((b: Value) => pmap((c: Value) => np.neg(c))(b) as Value)(a) as Value);
    expect(() => deeper(linspace(0, 1, 8, { dtype: 'float64' }).reshape(2, 2, 2))).toThrow(/2 × 4 = 8 slices/);
    const sideBySide = pmap((a: Value) => np.add(inner(a) as Value, inner(np.neg(a)) as Value));
    expect(sideBySide.lower(x).devices).toBe(4);
  });

  it('inside jit or vmap it is inlined, as vmap', () => {
    const x = grid(2, 5);
    const viaJit = jit((a: Value) => pmap((b: Value) => np.sin(b))(a) as Value)(x) as NDArray;
    expectClose(viaJit, np.sin(x) as NDArray, 0);
  });

  it('handles an empty axis, a single element, and NaN/Inf in the inputs', async () => {
    const empty = NDArray.zeros([0, 3], 'float64');
    expect(((await pmap((a: Value) => np.cos(a)).run([empty])) as NDArray).shape).toEqual([0, 3]);
    const one = NDArray.from([[0.5]], 'float64');
    expect((pmap(rows, { inAxes: [0, null] })(one, NDArray.from([0.5], 'float64')) as NDArray).shape).toEqual([
      1, 1, 1,
    ]);
    const special = NDArray.from(
      [
        [NaN, Infinity],
        [-Infinity, 0],
      ],
      'float64',
    );
    for (const op of [np.cos, np.exp, np.log, np.tanh, np.sqrt]) {
      expectClose(pmap((a: Value) => op(a))(special) as NDArray, jit((a: Value) => op(a))(special) as NDArray, 1e-12);
    }
  });

  it('runs several pmaps in flight at once, each correct', async () => {
    const y = linspace(-2, 2, 500, { dtype: 'float64' });
    const inputs = [3, 4, 2, 4, 1].map((d) => grid(d, 101));
    const results = await Promise.all(inputs.map((x) => pmap(rows, { inAxes: [0, null] }).run([x, y])));
    results.forEach((r, k) => expectClose(r as NDArray, rowsByVmap(inputs[k]!, y) as NDArray, 1e-12));
  });

  it('is cancelled mid-run between blocks, and the pool stays usable', async () => {
    const x = grid(DEVICES, 500);
    const y = linspace(-2, 2, 3000, { dtype: 'float64' });
    const f = pmap(rows, { inAxes: [0, null] });
    const controller = new AbortController();
    let reports = 0;
    const running = f.run([x, y], {
      signal: controller.signal,
      onProgress: () => {
        reports++;
        controller.abort();
      },
    });
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(reports).toBeGreaterThan(0);
    const small = grid(DEVICES, 20);
    expectClose((await f.run([small, y])) as NDArray, rowsByVmap(small, y) as NDArray, 1e-12);
  });

  it('the pool size is fixed once it runs', () => {
    expect(() => configureNativeThreads(DEVICES)).not.toThrow();
    expect(() => configureNativeThreads(DEVICES + 1)).toThrow(/already runs 4 threads/);
  });
});
