import { describe, expect, it } from 'vitest';
import {
  ALL_PRIMITIVES,
  ELEMENTWISE_PRIMITIVES,
  type ElementwisePrimitive,
  type AnyParams,
  arity,
  scalarSemantics,
} from '../core/primitives.js';
import { NDArray } from '../core/ndarray.js';
import { linspace } from '../core/creation.js';
import { printGraph } from '../core/graph.js';
import { allocator } from '../core/allocator.js';
import { bind } from '../ops.js';
import * as np from '../ops.js';
import type { Value } from '../core/trace.js';
import { jit } from './jit.js';
import { makeJaxpr } from './makeJaxpr.js';

const lessonF = (x: Value, y: Value) => {
  const r = np.add(np.pow(x, 2), np.pow(y, 2));
  return np.div(np.cos(r), np.add(1, r));
};

/** Values that reach every primitive's edge cases: signs, zero, NaN, infinities. */
const EDGE_VALUES = [-3.5, -1, -0.5, 0, 0.25, 1, 2.5, NaN, Infinity, -Infinity];

describe('every primitive', () => {
  it('the walk covers the closed set', () => {
    // The elementwise ones, broadcast_in_dim and transpose, five reductions and three collectives.
    expect(ALL_PRIMITIVES).toHaveLength(ELEMENTWISE_PRIMITIVES.length + 2 + 5 + 3);
  });

  it.each(ELEMENTWISE_PRIMITIVES.map((p) => [p]))(
    '%s: jit (fused), eager and the scalar meaning agree, NaN and Inf included',
    (primitive) => {
      const p = primitive as ElementwisePrimitive;
      const params: AnyParams = p === 'integer_pow' ? { y: 3 } : {};
      const a = NDArray.from(EDGE_VALUES, 'float64');
      // b varies along a second axis so binary ops meet every pair, through broadcasting.
      const b = NDArray.from(
        EDGE_VALUES.map((v) => [v]),
        'float64',
      );
      const args = arity(p) === 2 ? [a, b] : [a];
      const fused = jit((...xs: Value[]) => bind(p, xs, params))(...args) as NDArray;
      const eager = bind(p, args, params) as NDArray;
      const meaning = scalarSemantics[p] as (x: number, y: number, params: object) => number;
      const expected =
        arity(p) === 2
          ? EDGE_VALUES.map((bv) => EDGE_VALUES.map((av) => meaning(av, bv, params)))
          : EDGE_VALUES.map((av) => meaning(av, NaN, params));
      expect(fused.toList()).toEqual(expected);
      expect(eager.toList()).toEqual(expected);
    },
  );
});

describe('jit', () => {
  it('traces once per signature and hits its cache on the same shapes and dtype', () => {
    let traces = 0;
    const f = jit((x: Value) => {
      traces++;
      return np.mul(x, 2);
    });
    const x = linspace(0, 1, 5);
    f(x);
    f(x);
    expect(traces).toBe(1);
    f(linspace(0, 1, 6));
    f(linspace(0, 1, 5, { dtype: 'float64' }));
    expect(traces).toBe(3);
    expect(f.cacheSize).toBe(3);
  });

  it('reads a broadcast input through stride 0 and compiles it separately from a contiguous one', () => {
    const f = jit((x: Value, y: Value) => np.add(x, y));
    const row = NDArray.from([1, 2, 3], 'float64');
    const broadcast = row.broadcastTo([2, 3]);
    const dense = NDArray.from(
      [
        [10, 20, 30],
        [40, 50, 60],
      ],
      'float64',
    );
    expect((f(broadcast, dense) as NDArray).toList()).toEqual([
      [11, 22, 33],
      [41, 52, 63],
    ]);
    expect((f(dense, dense) as NDArray).toList()).toEqual([
      [20, 40, 60],
      [80, 100, 120],
    ]);
    expect(f.cacheSize).toBe(2);
  });

  it('reads transposed (non-contiguous) inputs correctly', () => {
    const a = NDArray.from(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    const out = jit((x: Value) => np.neg(x))(a.transpose()) as NDArray;
    expect(out.toList()).toEqual([
      [-1, -4],
      [-2, -5],
      [-3, -6],
    ]);
  });

  it('allocates only the output: one fused loop, no temporaries', () => {
    const x = linspace(-2, 2, 200, { dtype: 'float64' }).reshape(10, 20);
    const f = jit((a: Value) => lessonF(a, a));
    f(x).valueOf();
    const before = allocator.resetPeak();
    const out = f(x) as NDArray;
    expect(allocator.stats().peakBytes - before).toBe(out.nbytes);
  });

  it('promotes dtypes: float32 with float64 gives float64, numbers are weakly typed', () => {
    const f32 = linspace(0, 1, 3);
    const f64 = linspace(0, 1, 3, { dtype: 'float64' });
    expect((jit((a: Value, b: Value) => np.add(a, b))(f32, f64) as NDArray).dtype).toBe('float64');
    expect((jit((a: Value) => np.add(a, 1.5))(f32) as NDArray).dtype).toBe('float32');
  });

  it('accepts numbers as weakly typed scalars and folds operations on constants', () => {
    const f = jit((a: Value, b: Value) => np.add(np.mul(a, b), np.mul(2, 3)));
    expect((f(2, 5) as NDArray).item()).toBe(16);
    const graph = makeJaxpr((a: Value) => np.add(a, np.mul(2, 3)))(linspace(0, 1, 2));
    expect(printGraph(graph)).toContain('add a 6.0');
  });

  it('prints the lesson’s f as a jaxpr, recording x**2 once (common subexpressions)', () => {
    const x = linspace(-2, 2, 80);
    expect(printGraph(makeJaxpr(lessonF)(x, x))).toBe(
      [
        '{ lambda ; a:f32[80] b:f32[80]. let',
        '    c:f32[80] = integer_pow[y=2] a',
        '    d:f32[80] = integer_pow[y=2] b',
        '    e:f32[80] = add c d',
        '    f:f32[80] = cos e',
        '    g:f32[80] = add 1.0 e',
        '    h:f32[80] = div f g',
        '  in (h) }',
      ].join('\n'),
    );
  });

  it('returns several outputs when the function returns a list', () => {
    const f = jit((a: Value) => [np.sin(a), np.cos(a)]);
    const [s, c] = f(NDArray.from([0], 'float64')) as NDArray[];
    expect(s!.item()).toBe(0);
    expect(c!.item()).toBe(1);
  });

  it('is cancellable: an aborted run rejects and frees its output', async () => {
    const x = linspace(-2, 2, 3000, { dtype: 'float64' });
    const f = jit((a: Value, b: Value) => np.cos(np.add(np.broadcastInDim(a, [3000, 3000], [0]), b)));
    const controller = new AbortController();
    controller.abort();
    const live = allocator.stats().liveBytes;
    await expect(f.run([x, x], { signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(allocator.stats().liveBytes).toBe(live);
  });

  it('refuses a tracer that escapes its trace', () => {
    let leaked: Value | undefined;
    jit((a: Value) => {
      leaked = a;
      return a;
    })(linspace(0, 1, 2));
    expect(() => np.add(leaked!, 1)).toThrow(/escaped/);
  });
});
