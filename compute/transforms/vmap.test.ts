import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray } from '../core/ndarray.js';
import { linspace, meshgrid } from '../core/creation.js';
import { allclose } from '../core/allclose.js';
import { allocator } from '../core/allocator.js';
import { printGraph } from '../core/graph.js';
import type { Value } from '../core/trace.js';
import * as np from '../ops.js';
import { jit } from './jit.js';
import { vmap } from './vmap.js';
import { makeJaxpr } from './makeJaxpr.js';

const lessonF = (x: Value, y: Value) => {
  const r = np.add(np.pow(x, 2), np.pow(y, 2));
  return np.div(np.cos(r), np.add(1, r));
};

/** A function mixing unary and binary primitives, broadcasting its arguments. */
const mixed = (a: Value, b: Value) => np.add(np.mul(np.sin(a), b), np.pow(np.sub(a, b), 2));

/** The loop vmap replaces: slice each mapped argument, call f, stack along outAxis. */
function loopReference(
  f: (...xs: Value[]) => Value,
  args: NDArray[],
  inAxes: (number | null)[],
  outAxis: number,
): number[] {
  const size = args.find((_, i) => inAxes[i] !== null)!.shape[inAxes.find((a) => a !== null)!]!;
  const results = Array.from({ length: size }, (_, b) => {
    const sliced = args.map((a, i) => (inAxes[i] === null ? a : a.moveAxis(inAxes[i]!, 0).index(b)));
    return f(...sliced) as NDArray;
  });
  const stacked = NDArray.from(
    results.map((r) => r.toList() as number[]),
    'float64',
  );
  return [...stacked.moveAxis(0, outAxis).toTypedArray()];
}

function randomArray(shape: number[], seed: number): NDArray {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 2);
  return NDArray.from(values, 'float64', shape);
}

describe('vmap', () => {
  it('matches the loop it replaces for random shapes, in_axes and out_axes', () => {
    const shapes = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
    const spec = fc.record({
      base: shapes,
      dropA: fc.boolean(),
      onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      batch: fc.integer({ min: 1, max: 4 }),
      mapA: fc.boolean(),
      mapB: fc.boolean(),
      axisSeed: fc.nat(),
      outSeed: fc.nat(),
    });
    fc.assert(
      fc.property(spec, ({ base, dropA, onesB, batch, mapA, mapB, axisSeed, outSeed }) => {
        if (!mapA && !mapB) mapA = true;
        // Per-example shapes that broadcast together: a may drop a leading axis, b may have size-1 axes.
        const shapeA = dropA ? base.slice(1) : [...base];
        const shapeB = base.map((d, k) => (onesB[k] ? 1 : d));
        const axisA = mapA ? axisSeed % (shapeA.length + 1) : null;
        const axisB = mapB ? (axisSeed >> 3) % (shapeB.length + 1) : null;
        const full = (shape: number[], axis: number | null) =>
          axis === null ? shape : [...shape.slice(0, axis), batch, ...shape.slice(axis)];
        const a = randomArray(full(shapeA, axisA), 1);
        const b = randomArray(full(shapeB, axisB), 2);
        const outRank = Math.max(shapeA.length, shapeB.length) + 1;
        const outAxis = outSeed % outRank;
        const expected = loopReference(mixed, [a, b], [axisA, axisB], outAxis);
        const eager = vmap(mixed, { inAxes: [axisA, axisB], outAxes: outAxis })(a, b) as NDArray;
        const fused = jit(vmap(mixed, { inAxes: [axisA, axisB], outAxes: outAxis }))(a, b) as NDArray;
        expect([...eager.toTypedArray()]).toEqual(expected);
        expect([...fused.toTypedArray()].map((v, i) => v - expected[i]!).every((d) => Math.abs(d) < 1e-12)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('builds the lesson’s grid exactly: vmap(vmap(f, in_axes=(None, 0)), in_axes=(0, None)) equals f on ij meshes', () => {
    const n = 60;
    const x = linspace(-2, 2, n, { dtype: 'float64' });
    const y = linspace(-1, 3, n, { dtype: 'float64' });
    const fVec = vmap(vmap(lessonF, { inAxes: [null, 0] }), { inAxes: [0, null] });
    const z = jit(fVec)(x, y) as NDArray;
    expect(z.shape).toEqual([n, n]);
    const [xm, ym] = meshgrid(x, y, { indexing: 'ij' });
    expect(allclose(z, lessonF(xm, ym) as NDArray, { rtol: 1e-14, atol: 0 })).toBe(true);
    expect(z.get(3, 7)).toBeCloseTo(lessonF(x.get(3), y.get(7)) as number, 14);
  });

  it('with in_axes=(0, None) then (None, 0) gives the transpose, like meshgrid’s default xy indexing', () => {
    const x = linspace(-2, 2, 7, { dtype: 'float64' });
    const y = linspace(0, 1, 5, { dtype: 'float64' });
    const nonSymmetric = (a: Value, b: Value) => np.sub(a, np.pow(b, 2));
    const zXY = jit(vmap(vmap(nonSymmetric, { inAxes: [0, null] }), { inAxes: [null, 0] }))(x, y) as NDArray;
    const [xm, ym] = meshgrid(x, y);
    expect(zXY.shape).toEqual([5, 7]);
    expect(allclose(zXY, nonSymmetric(xm, ym) as NDArray)).toBe(true);
  });

  it('never copies an unmapped argument: peak memory is the output plus the inputs', () => {
    const n = 500;
    const x = linspace(-2, 2, n, { dtype: 'float64' });
    const fVec = jit(vmap(vmap(lessonF, { inAxes: [null, 0] }), { inAxes: [0, null] }));
    (fVec(x, x) as NDArray).dispose();
    const before = allocator.resetPeak();
    const z = fVec(x, x) as NDArray;
    expect(allocator.stats().peakBytes - before).toBe(z.nbytes);
  });

  it('records the batching as a broadcast of x², not a copy of x', () => {
    const x = linspace(-2, 2, 4);
    const graph = makeJaxpr(vmap(vmap(lessonF, { inAxes: [null, 0] }), { inAxes: [0, null] }))(x, x);
    const text = printGraph(graph);
    expect(text).toContain('broadcast_in_dim[shape=(4, 1) broadcast_dimensions=(0,)] c');
    expect(text.match(/integer_pow/g)).toHaveLength(2);
  });

  it('says which arguments disagree when mapped axes have different sizes', () => {
    const f = vmap(mixed, { inAxes: [0, 1] });
    expect(() => f(NDArray.zeros([3, 2]), NDArray.zeros([3, 4]))).toThrow(
      'vmap got inconsistent sizes for the mapped axis: argument 0 has size 3 along axis 0, argument 1 has size 4 along axis 1',
    );
  });

  it('refuses in_axes that map nothing, do not fit the arguments, or map a number', () => {
    const x = NDArray.zeros([3]);
    expect(() => vmap(mixed, { inAxes: [null, null] })(x, x)).toThrow(/at least one mapped argument/);
    expect(() => vmap(mixed, { inAxes: [0] })(x, x)).toThrow(/1 entries but there are 2 arguments/);
    expect(() => vmap(mixed, { inAxes: [1, 0] })(x, x)).toThrow(/out of range/);
    expect(() => vmap(mixed, { inAxes: [0, 0] })(x, 2)).toThrow(/is a number/);
  });

  it('broadcasts an output that depends on no mapped argument, and refuses out_axes None for a mapped one', () => {
    const x = NDArray.from([1, 2, 3], 'float64');
    const y = NDArray.from([10, 20], 'float64');
    const onlyY = vmap((_a: Value, b: Value) => np.mul(b, 2), { inAxes: [0, null] })(x, y) as NDArray;
    expect(onlyY.toList()).toEqual([
      [20, 40],
      [20, 40],
      [20, 40],
    ]);
    expect(onlyY.strides[0]).toBe(0);
    expect(() => vmap((a: Value) => a, { outAxes: null })(x)).toThrow(/out_axes entry is null/);
  });

  it('composes with jit inside: jit(f) called on tracers is inlined', () => {
    const x = linspace(0, 1, 4, { dtype: 'float64' });
    const inner = jit((a: Value) => np.exp(a));
    const out = vmap((a: Value) => inner(a) as Value)(x) as NDArray;
    expect([...out.toTypedArray()]).toEqual([...x.toTypedArray()].map(Math.exp));
  });

  it('treats arrays closed over by f as unmapped constants', () => {
    const offset = NDArray.from([100, 200], 'float64');
    const x = NDArray.from(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      'float64',
    );
    const out = jit(vmap((row: Value) => np.add(row, offset)))(x) as NDArray;
    expect(out.toList()).toEqual([
      [101, 202],
      [103, 204],
      [105, 206],
    ]);
  });
});
