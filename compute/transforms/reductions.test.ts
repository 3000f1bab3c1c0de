// Reductions as JAX has them: np.sum/max/min/mean/argmax/argmin with any
// axis on concrete arrays (against a plain loop), every reduction's batching
// rule under vmap with any in_axes (against a per-example loop,
// property-style), the fused map-reduce under jit on each CPU backend
// (against the eager result), and the jaxpr they print.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import { np } from '../ops.js';
import type { Value } from '../core/trace.js';
import { jit } from './jit.js';
import { vmap } from './vmap.js';
import { makeJaxpr } from './makeJaxpr.js';
import { printGraph } from '../core/graph.js';
import { backendStatus, loadBackends } from '../backends/registry.js';
import { reduceValues } from '../core/reductions.js';

type Op = 'sum' | 'max' | 'min' | 'mean' | 'argmax' | 'argmin';
const OPS: Op[] = ['sum', 'max', 'min', 'mean', 'argmax', 'argmin'];
const KIND = {
  sum: 'reduce_sum',
  max: 'reduce_max',
  min: 'reduce_min',
  mean: 'reduce_sum',
  argmax: 'argmax',
  argmin: 'argmin',
} as const;

beforeAll(() => loadBackends());

/** Element (multi-index) of a row-major array. */
function at(a: NDArray, index: number[]): number {
  return a.get(...index);
}

/** The reduction of `a` over sorted `axes` by plain loops: the reference. */
function loopReduce(op: Op, a: NDArray, axes: number[]): { shape: number[]; values: number[] } {
  const kept = a.shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const shape = kept.map((k) => a.shape[k]!);
  const values: number[] = [];
  const count = shape.reduce((n, d) => n * d, 1);
  const inner = axes.reduce((n, k) => n * a.shape[k]!, 1);
  for (let o = 0; o < count; o++) {
    const index = new Array<number>(a.ndim).fill(0);
    let rest = o;
    for (let k = kept.length - 1; k >= 0; k--) {
      index[kept[k]!] = rest % shape[k]!;
      rest = Math.floor(rest / shape[k]!);
    }
    const run: number[] = [];
    for (let r = 0; r < inner; r++) {
      let left = r;
      for (let k = axes.length - 1; k >= 0; k--) {
        index[axes[k]!] = left % a.shape[axes[k]!]!;
        left = Math.floor(left / a.shape[axes[k]!]!);
      }
      run.push(at(a, index));
    }
    const v = reduceValues(KIND[op], run);
    values.push(op === 'mean' ? v / inner : v);
  }
  return { shape, values };
}

const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
const withValues = shapes.chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    // Small integers: ties and exact sums, so the first index of an extreme matters.
    fc.array(fc.integer({ min: -3, max: 3 }), {
      minLength: shape.reduce((n, d) => n * d, 1),
      maxLength: shape.reduce((n, d) => n * d, 1),
    }),
    fc.subarray(
      shape.map((_, k) => k),
      { minLength: 1 },
    ),
    fc.constantFrom(...OPS),
  ),
);

function apply(op: Op, x: Value, axes: number[] | undefined): Value {
  if (op === 'argmax' || op === 'argmin') return np[op](x, axes === undefined ? null : axes[0]!);
  return np[op](x, axes);
}

function values(v: Value): number[] {
  return typeof v === 'number' ? [v] : Array.from((v as NDArray).toTypedArray());
}

describe('reductions on concrete arrays', () => {
  it('equal a plain loop for any axes (argmax/argmin: one axis, or the flattened index)', () => {
    fc.assert(
      fc.property(withValues, ([shape, data, axes, op]) => {
        const a = NDArray.from(data, 'float64', shape);
        const axesUsed = op.startsWith('arg') ? [axes[0]!] : axes;
        const got = apply(op, a, axesUsed) as NDArray;
        const want = loopReduce(op, a, axesUsed);
        expect([...got.shape]).toEqual(want.shape);
        expect(values(got)).toEqual(want.values);
      }),
      { numRuns: 150 },
    );
  });

  it('reduce every axis when axis is none, and argmax gives the flattened index, as jnp.argmax', () => {
    const a = NDArray.from(
      [
        [1, 9, 3],
        [9, 2, 4],
      ],
      'float32',
    );
    expect((np.max(a) as NDArray).item()).toBe(9);
    expect((np.argmax(a) as NDArray).item()).toBe(1);
    expect((np.argmin(a) as NDArray).item()).toBe(0);
    expect((np.sum(a, [0, 1]) as NDArray).item()).toBe(28);
    expect((np.mean(a, -1) as NDArray).toList()).toEqual([13 / 3, 5].map(Math.fround));
  });

  it('propagate NaN as NumPy: max and min are NaN, argmax points at the first NaN', () => {
    const a = NDArray.from([1, NaN, 5, NaN], 'float64');
    expect((np.max(a) as NDArray).item()).toBeNaN();
    expect((np.min(a) as NDArray).item()).toBeNaN();
    expect((np.argmax(a) as NDArray).item()).toBe(1);
  });

  it('refuse a repeated axis, an axis out of range and a reduction without identity of an empty array', () => {
    const a = NDArray.zeros([2, 3]);
    expect(() => np.sum(a, [1, -1])).toThrow(/repeated axis/);
    expect(() => np.max(a, 2)).toThrow(/out of range/);
    expect(() => np.max(NDArray.zeros([0, 3]))).toThrow(/zero-size array/);
    expect((np.sum(NDArray.zeros([0, 3])) as NDArray).item()).toBe(0);
  });
});

describe('batching rules: vmap of a reduction equals a loop over the examples', () => {
  it('for every reduction, any in_axes and out_axes, and axes of the example', () => {
    fc.assert(
      fc.property(withValues, fc.nat(), fc.nat(), ([shape, data, axes, op], inPick, outPick) => {
        const a = NDArray.from(data, 'float64', shape);
        const inAxis = inPick % shape.length;
        const exampleRank = shape.length - 1;
        const exampleAxes = axes.filter((k) => k < exampleRank);
        if (exampleRank === 0 || exampleAxes.length === 0) return;
        const axesUsed = op.startsWith('arg') ? [exampleAxes[0]!] : exampleAxes;
        const outRank = exampleRank - axesUsed.length + 1;
        const outAxis = outPick % outRank;
        const batched = vmap((x: Value) => apply(op, x, axesUsed), { inAxes: inAxis, outAxes: outAxis })(a) as NDArray;
        const moved = np.moveAxis(batched, outAxis, 0) as NDArray;
        for (let b = 0; b < shape[inAxis]!; b++) {
          const example = (np.moveAxis(a, inAxis, 0) as NDArray).index(b);
          const want = apply(op, example, axesUsed);
          expect(values(moved.index(b))).toEqual(values(want));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe.each(['js', 'native'] as const)('the fused map-reduce under jit on %s', (backend) => {
  it('equals the eager reduction of the map, for every reduction and axis', () => {
    if (!backendStatus(backend).available) return;
    const x = NDArray.from(
      Array.from({ length: 37 * 53 }, (_, k) => Math.sin(k) * 3),
      'float32',
      [37, 53],
    );
    const f = (a: Value) => np.cos(np.mul(a, a));
    // The map as this backend computes it (its cos may differ from Math.cos in the last bit), stored.
    const z = jit(f, { backend })(x) as NDArray;
    for (const op of OPS) {
      for (const axes of [undefined, [0], [1]]) {
        const fused = values(jit((a: Value) => apply(op, f(a), axes), { backend })(x) as NDArray);
        const eager = values(apply(op, z, axes));
        if (op === 'sum' || op === 'mean') fused.forEach((v, k) => expect(v).toBeCloseTo(eager[k]!, 4));
        else expect(fused, `${op} over ${String(axes)}`).toEqual(eager);
      }
    }
  });

  it('sums through infinities as NumPy does: inf, or NaN where both signs meet, fused and eager', () => {
    if (!backendStatus(backend).available) return;
    const inf = NDArray.from([1, Infinity, 2, 3], 'float32');
    const both = NDArray.from([1, Infinity, 2, -Infinity], 'float32');
    const sum = jit((a: Value) => np.sum(np.add(a, 1)), { backend });
    expect((sum(inf) as NDArray).item()).toBe(Infinity);
    expect((sum(both) as NDArray).item()).toBeNaN();
    expect((np.sum(inf) as NDArray).item()).toBe(Infinity);
    expect((np.mean(inf) as NDArray).item()).toBe(Infinity);
  });

  it('runs max and argmax of the same map as one pass, with the same answers as apart', async () => {
    if (!backendStatus(backend).available) return;
    const x = NDArray.from(
      Array.from({ length: 5000 }, (_, k) => Math.cos(k * 0.37)),
      'float64',
    );
    const both = jit((a: Value) => [np.max(np.sin(a)), np.argmax(np.sin(a))], { backend });
    const [m, i] = (await both.run([x])) as NDArray[];
    const z = np.sin(x) as NDArray;
    expect(m!.item()).toBe((np.max(z) as NDArray).item());
    expect(i!.item()).toBe((np.argmax(z) as NDArray).item());
  });
});

describe('sums are accurate', () => {
  /** NumPy's pairwise float32 sum (numpy/core/src/umath/loops_utils.h: blocks of 128, eight partial sums). */
  function numpyPairwise(a: Float32Array, lo: number, n: number): number {
    const f = Math.fround;
    if (n < 8) {
      let s = -0;
      for (let i = 0; i < n; i++) s = f(s + a[lo + i]!);
      return s;
    }
    if (n <= 128) {
      const r = Array.from({ length: 8 }, (_, k) => a[lo + k]!);
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] = f(r[k]! + a[lo + i + k]!);
      let s = f(f(f(r[0]! + r[1]!) + f(r[2]! + r[3]!)) + f(f(r[4]! + r[5]!) + f(r[6]! + r[7]!)));
      for (; i < n; i++) s = f(s + a[lo + i]!);
      return s;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return Math.fround(numpyPairwise(a, lo, n2) + numpyPairwise(a, lo + n2, n - n2));
  }

  it.each(['js', 'native'] as const)(
    'a float32 sum on %s is at least as close to the float64 sum as NumPy’s',
    (backend) => {
      if (!backendStatus(backend).available) return;
      const n = 1 << 20;
      const x = NDArray.empty([n], 'float32');
      for (let k = 0; k < n; k++) x.data[k] = Math.fround(1 + Math.sin(k) * 1e-3 + (k % 7) * 1e-4);
      let exact = 0;
      for (let k = 0; k < n; k++) exact += x.data[k]!;
      const ours = (jit((a: Value) => np.sum(a), { backend })(x) as NDArray).item();
      const numpy = numpyPairwise(x.data as Float32Array, 0, n);
      expect(Math.abs(ours - exact)).toBeLessThanOrEqual(Math.abs(numpy - exact));
    },
  );
});

describe('make_jaxpr prints reductions as JAX does', () => {
  it('names the primitive and its axes', () => {
    const text = printGraph(
      makeJaxpr((a: Value) => np.mean(np.argmax(np.cos(a), 1)))({ shape: [3, 4], dtype: 'float32' }),
    );
    expect(text).toContain('argmax[axes=(1,)] b');
    expect(text).toMatch(/reduce_sum\[axes=\(0,\)\]/);
    expect(text).toMatch(/div \w+ 3\.0/);
  });
});
