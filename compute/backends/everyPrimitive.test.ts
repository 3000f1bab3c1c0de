// Every elementwise primitive through every backend this machine has — the JS
// fused kernel, the JS eager path, the native addon, WebGPU — in float32 and
// float64, on values that reach each primitive's edges (signed zeros, NaN,
// the infinities, float32 overflow), held against the reference semantics;
// and the reference itself held against NumPy (run by python3 where it has
// NumPy; a few NumPy values are pinned here for machines without it).
// A backend is asked for exactly the primitives its table claims: the native
// addon says which opcodes it was built with, and a primitive it lacks must be
// refused by name (the test lists those), never computed wrongly.

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import {
  ELEMENTWISE_PRIMITIVES,
  SPELLINGS,
  type AnyParams,
  type ElementwisePrimitive,
  type Spelling,
  arity,
  scalarSemantics,
} from '../core/primitives.js';
import { np } from '../index.js';
import type { Value } from '../core/trace.js';
import { PYTHON_NAMES } from '../formula/pythonNames.js';
import { FUNCTIONS, compileFormula, evaluateFormulaScalar } from '../formula/index.js';
import { bind } from '../ops.js';
import { jit } from '../transforms/jit.js';
import { TOLERANCES } from '../strategies/reference.js';
import type { BackendName } from './backend.js';
import { backendStatus, getBackend, loadBackends } from './registry.js';
import { loadAddon } from './nativeAddon.js';
import { opcodeTable } from './nativeBytecode.js';
import type { WebGpuBackend } from './webgpu.js';

/** Signs, zeros, NaN, infinities, the inverse functions' domain edges, float32's exp/sinh/cosh overflow, huge and tiny. */
const VALUES = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  0.25,
  0.999,
  -0.999,
  2.5,
  -3.5,
  7.25,
  -7.25,
  8,
  30,
  88,
  89,
  100,
  -100,
  1000,
  1e-3,
  1e30,
  -1e30,
  1e-30,
];
const INTEGER_POWERS = [0, 1, 2, 3, 4, -1, -2, 5, -7];

interface Case {
  primitive: ElementwisePrimitive;
  params: AnyParams;
  /** Operands, one entry per element: unary cases use a only. */
  a: number[];
  b: number[];
  label: string;
}

function casesOf(primitive: ElementwisePrimitive): Case[] {
  if (primitive === 'integer_pow') {
    return INTEGER_POWERS.map((y) => ({
      primitive,
      params: { y },
      a: VALUES,
      b: VALUES.map(() => NaN),
      label: `integer_pow y=${y}`,
    }));
  }
  if (arity(primitive) === 1) return [{ primitive, params: {}, a: VALUES, b: VALUES.map(() => NaN), label: primitive }];
  const a = VALUES.flatMap((u) => VALUES.map(() => u));
  const b = VALUES.flatMap(() => VALUES);
  return [{ primitive, params: {}, a, b, label: primitive }];
}

const CASES: Case[] = ELEMENTWISE_PRIMITIVES.flatMap(casesOf);

/** The reference: the primitive's float64 meaning, at the points as the dtype holds them, rounded to the dtype. */
function referenceOf(c: Case, dtype: DType): number[] {
  const meaning = scalarSemantics[c.primitive] as (a: number, b: number, p: AnyParams) => number;
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  return c.a.map((a, i) => round(meaning(round(a), round(c.b[i]!), c.params)));
}

/** Where `got` strays from `want`: NaN and each infinity in the same places, finite values within rtol (and atol). */
function mismatches(
  c: Case,
  got: ArrayLike<number>,
  want: readonly number[],
  rtol: number,
  options: { atol?: number; zeroSign?: boolean; skip?: (i: number) => boolean } = {},
): string[] {
  const bad: string[] = [];
  const atol = options.atol ?? 0;
  for (let i = 0; i < want.length && bad.length < 6; i++) {
    if (options.skip?.(i)) continue;
    const g = got[i]!;
    const w = want[i]!;
    const operands = arity(c.primitive) === 2 ? `${c.a[i]}, ${c.b[i]}` : `${c.a[i]}`;
    const same = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isFinite(w)
        ? g === w
        : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    const zeroSignOk = !options.zeroSign || w !== 0 || Object.is(g, w);
    if (!same || !zeroSignOk)
      bad.push(`${c.label}(${operands}) = ${Object.is(g, -0) ? '-0' : g}, expected ${Object.is(w, -0) ? '-0' : w}`);
  }
  return bad;
}

// ---------------------------------------------------------------------------
// The reference against NumPy.

/** NumPy's values, computed by python3 from the same operands with the np.* spelling the JAX export uses. */
function numpyValues(): { values: Map<string, Record<DType, number[]>> } | { reason: string } {
  const script = `
import json, sys
try:
    import numpy as np
except ImportError as e:
    print(json.dumps({"error": "no NumPy: " + str(e)})); sys.exit(0)
request = json.load(sys.stdin)
out = {}
with np.errstate(all="ignore"):
    for case in request:
        fn = getattr(np, case["np"])
        row = {}
        for dtype in ("float64", "float32"):
            t = getattr(np, dtype)
            a = np.array([float(v) for v in case["a"]], dtype=t)
            if case["y"] is not None:
                r = fn(a, t(case["y"]))
            elif case["binary"]:
                r = fn(a, np.array([float(v) for v in case["b"]], dtype=t))
            else:
                r = fn(a)
            row[dtype] = [repr(float(v)) for v in r.astype(np.float64)]
        out[case["label"]] = row
print(json.dumps({"values": out}))
`;
  const text = (v: number) =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Object.is(v, -0) ? '-0.0' : String(v);
  const request = CASES.map((c) => ({
    label: c.label,
    np: PYTHON_NAMES[c.primitive].np,
    binary: arity(c.primitive) === 2,
    y: c.primitive === 'integer_pow' ? (c.params as { y: number }).y : null,
    a: c.a.map(text),
    b: c.b.map(text),
  }));
  const run = spawnSync('python3', ['-c', script], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error) return { reason: `python3 could not be run: ${run.error.message}` };
  if (run.status !== 0) return { reason: `python3 failed: ${run.stderr.trim().split('\n').pop()}` };
  const answer = JSON.parse(run.stdout) as { error?: string; values?: Record<string, Record<DType, string[]>> };
  if (answer.error || !answer.values) return { reason: answer.error ?? 'no values' };
  const number = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
  const values = new Map(
    Object.entries(answer.values).map(([label, row]) => [
      label,
      { float64: row.float64.map(number), float32: row.float32.map(number) },
    ]),
  );
  return { values };
}

const numpy = numpyValues();
if ('reason' in numpy)
  console.warn(`NumPy comparison skipped (the pinned NumPy values below still run): ${numpy.reason}`);

describe.runIf('values' in numpy)("the reference semantics give NumPy's values", () => {
  const values = 'values' in numpy ? numpy.values : new Map<string, Record<DType, number[]>>();
  it.each(CASES.map((c) => [c.label, c]))('%s in float64 (signed zeros included) and float32', (_label, c) => {
    const expected = values.get(c.label)!;
    // V8's Math and glibc may differ in the last bit or two; NaN, ±Inf and the sign of 0 must agree exactly.
    expect(mismatches(c, referenceOf(c, 'float64'), expected.float64, 1e-14, { zeroSign: true })).toEqual([]);
    expect(mismatches(c, referenceOf(c, 'float32'), expected.float32, 1e-6)).toEqual([]);
  });
});

describe("NumPy's values at the new primitives' edges (pinned from NumPy 2.4)", () => {
  const pinned: [ElementwisePrimitive, number, number, number][] = [
    ['mod', -1, Infinity, Infinity],
    ['mod', 1, -Infinity, -Infinity],
    ['mod', Infinity, 2, NaN],
    ['mod', 3, 0, NaN],
    ['mod', -3, 0, NaN],
    ['mod', 0, -2, -0],
    ['mod', -0, 2, 0],
    ['mod', 5.5, -2, -0.5],
    ['mod', -5.5, 2, 0.5],
    ['mod', 6, -3, -0],
    ['mod', -6, 3, 0],
    ['mod', 1e300, 1e-300, 4.891554850853602e-301],
    ['mod', -0, Infinity, 0],
    ['mod', -0, -Infinity, -0],
    ['mod', -Infinity, -Infinity, NaN],
    ['sign', -0, NaN, 0],
    ['sign', NaN, NaN, NaN],
    ['sign', -Infinity, NaN, -1],
    ['hypot', Infinity, NaN, Infinity],
    ['floor', -0.5, NaN, -1],
    ['ceil', -0.5, NaN, -0],
    ['atan2', 0, -0, Math.PI],
    ['atan2', -0, -0, -Math.PI],
    ['log10', 1000, NaN, 3],
    ['log2', 8, NaN, 3],
  ];
  it.each(pinned)('%s(%d, %d) is %d', (primitive, a, b, expected) => {
    const meaning = scalarSemantics[primitive] as (a: number, b: number, p: AnyParams) => number;
    expect(meaning(a, b, {})).toBe(expected);
  });
});

// ---------------------------------------------------------------------------
// The formula vocabulary binds the primitive it names.

describe('every formula function traces to its primitive and evaluates to its meaning', () => {
  it.each([...FUNCTIONS].map(([name, fn]) => [name, fn.primitive]))('%s → %s', (name, primitive) => {
    const fn = FUNCTIONS.get(name)!;
    const text = fn.arity === 2 ? `${name}(x, y)` : `${name}(x)`;
    const formula = compileFormula(text);
    const c: Case = casesOf(primitive === 'pow' ? 'pow' : primitive)[0]!;
    const x = NDArray.from(c.a, 'float64');
    const y = NDArray.from(c.b, 'float64');
    const lowered = jit(formula.fn).lower(x, y);
    expect(lowered.graph.equations.map((e) => e.primitive)).toContain(primitive);
    const traced = (jit(formula.fn)(x, y) as NDArray).toTypedArray();
    const evaluated = c.a.map((a, i) => evaluateFormulaScalar(formula.ast, a, c.b[i]!));
    const want = referenceOf(c, 'float64');
    expect(mismatches(c, traced, want, 0, { zeroSign: true })).toEqual([]);
    expect(mismatches(c, evaluated, want, 0, { zeroSign: true })).toEqual([]);
  });

  it('% is mod, at the precedence of * and /', () => {
    const formula = compileFormula('x % y * 2');
    expect(evaluateFormulaScalar(formula.ast, -5.5, 2)).toBe(1);
    expect(evaluateFormulaScalar(compileFormula('-x % y').ast, 1, 3)).toBe(2);
    expect(
      jit(formula.fn)
        .lower(NDArray.from([1]), NDArray.from([1]))
        .graph.equations.map((e) => e.primitive),
    ).toEqual(['mod', 'mul']);
  });
});

describe("the engine's np has an operation for every primitive, generated from its spelling", () => {
  it.each(ELEMENTWISE_PRIMITIVES.filter((p) => p !== 'integer_pow').map((p) => [p]))('%s', (primitive) => {
    const name = (SPELLINGS[primitive] as Spelling).ops ?? primitive;
    const operation = (np as unknown as Record<string, (...args: Value[]) => Value>)[name];
    expect(typeof operation, `np.${name}`).toBe('function');
    const c = casesOf(primitive)[0]!;
    const x = NDArray.from(c.a, 'float64');
    const y = NDArray.from(c.b, 'float64');
    const got = (arity(primitive) === 2 ? operation!(x, y) : operation!(x)) as NDArray;
    expect(
      mismatches(c, got.toTypedArray(), referenceOf(c, 'float64'), primitive === 'pow' ? 1e-15 : 0, { zeroSign: true }),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Every backend against the reference.

await loadBackends();
afterAll(() => {
  if (backendStatus('webgpu').available) (getBackend('webgpu') as WebGpuBackend).destroy();
});

interface Route {
  name: string;
  backend: BackendName | 'eager';
  dtypes: readonly DType[];
  /** The primitives its tables claim. */
  claims: readonly ElementwisePrimitive[];
}

function nativeClaims(): readonly ElementwisePrimitive[] {
  const { addon } = loadAddon();
  if (!addon) return [];
  const { missing } = opcodeTable(addon.opcodes());
  return ELEMENTWISE_PRIMITIVES.filter((p) => !missing.includes(p));
}

const ROUTES: Route[] = [
  { name: 'js fused', backend: 'js', dtypes: ['float32', 'float64'], claims: ELEMENTWISE_PRIMITIVES },
  { name: 'js eager', backend: 'eager', dtypes: ['float32', 'float64'], claims: ELEMENTWISE_PRIMITIVES },
  { name: 'native', backend: 'native', dtypes: ['float32', 'float64'], claims: nativeClaims() },
  // WGSL has no f64: a float64 request computes in float32 (and the record says so).
  { name: 'webgpu', backend: 'webgpu', dtypes: ['float32'], claims: ELEMENTWISE_PRIMITIVES },
];

const available = (route: Route) => route.backend === 'eager' || backendStatus(route.backend).available;

async function runOn(route: Route, c: Case, dtype: DType): Promise<ArrayLike<number>> {
  const a = NDArray.from(c.a, dtype);
  const b = NDArray.from(c.b, dtype);
  const two = arity(c.primitive) === 2;
  try {
    if (route.backend === 'eager') return (bind(c.primitive, two ? [a, b] : [a], c.params) as NDArray).toTypedArray();
    const f = two
      ? (x: Value, y: Value) => bind(c.primitive, [x, y], c.params)
      : (x: Value) => bind(c.primitive, [x], c.params);
    const out = (await jit(f, { backend: route.backend }).run(two ? [a, b] : [a])) as NDArray;
    return out.toTypedArray();
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * The relative error a route may show: a few float32 ulp; in float64 a few
 * ulp on JS (the same Math, but integer_pow is multiplications where the
 * reference calls pow), and vector math's ulps on native.
 */
function tolerance(route: Route, primitive: ElementwisePrimitive, dtype: DType): number {
  // The GPU's pow is exp2(b·log2|a|) in float32: log2's last-bit error, times |b·log2 a| (up to 128 before overflow),
  // reaches a few 1e-6 — within the lab's float32 tolerance (TOLERANCES), and the record's note says so.
  if (route.backend === 'webgpu' && primitive === 'pow') return TOLERANCES.float32.rtol;
  if (dtype === 'float32') return 2e-6;
  return route.backend === 'js' || route.backend === 'eager' ? 1e-15 : 1e-12;
}

/** Where each primitive is sampled densely: its usual domain, wide enough to reach float32's overflow where it has one. */
const DOMAINS: { readonly [P in ElementwisePrimitive]: { a: [number, number]; b?: [number, number] } } = {
  neg: { a: [-1e6, 1e6] },
  square: { a: [-1e4, 1e4] },
  cos: { a: [-100, 100] },
  sin: { a: [-100, 100] },
  tan: { a: [-100, 100] },
  exp: { a: [-100, 90] },
  log: { a: [1e-3, 1e3] },
  sqrt: { a: [0, 1e6] },
  abs: { a: [-1e6, 1e6] },
  tanh: { a: [-12, 12] },
  atan: { a: [-50, 50] },
  asin: { a: [-1, 1] },
  acos: { a: [-1, 1] },
  sinh: { a: [-90, 90] },
  cosh: { a: [-90, 90] },
  floor: { a: [-1e3, 1e3] },
  ceil: { a: [-1e3, 1e3] },
  sign: { a: [-2, 2] },
  log2: { a: [1e-3, 1e3] },
  log10: { a: [1e-3, 1e3] },
  add: { a: [-1e3, 1e3], b: [-1e3, 1e3] },
  sub: { a: [-1e3, 1e3], b: [-1e3, 1e3] },
  mul: { a: [-1e3, 1e3], b: [-1e3, 1e3] },
  div: { a: [-1e3, 1e3], b: [-10, 10] },
  pow: { a: [0.1, 10], b: [-20, 20] },
  min: { a: [-1e3, 1e3], b: [-1e3, 1e3] },
  max: { a: [-1e3, 1e3], b: [-1e3, 1e3] },
  atan2: { a: [-10, 10], b: [-10, 10] },
  hypot: { a: [-1e3, 1e3], b: [-1e3, 1e3] },
  mod: { a: [-100, 100], b: [-10, 10] },
  integer_pow: { a: [-30, 30] },
};

/** A fixed-seed generator (mulberry32): the same points on every run, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLES = 20_000;

function denseCase(primitive: ElementwisePrimitive): Case {
  const next = random(ELEMENTWISE_PRIMITIVES.indexOf(primitive) + 1);
  const {
    a: [a0, a1],
    b: [b0, b1] = [0, 0],
  } = DOMAINS[primitive];
  const a = Array.from({ length: SAMPLES }, () => a0 + (a1 - a0) * next());
  const b = Array.from({ length: SAMPLES }, () => b0 + (b1 - b0) * next());
  const params: AnyParams = primitive === 'integer_pow' ? { y: 7 } : {};
  return { primitive, params, a, b, label: `${primitive} (${SAMPLES} points)` };
}

const unclaimed = new Map<string, ElementwisePrimitive[]>();

for (const route of ROUTES) {
  describe.runIf(available(route))(`${route.name} computes every primitive it claims as the reference does`, () => {
    const runs = CASES.filter((c) => route.claims.includes(c.primitive)).flatMap((c) =>
      route.dtypes.map((dtype) => [c.label, dtype, c] as const),
    );
    it.each(runs)('%s in %s', async (_label, dtype, c) => {
      const got = await runOn(route, c, dtype);
      const want = referenceOf(c, dtype);
      // Beyond |x| = 8192 the GPU's trig is the adapter's own (WGSL_NUMERICS says so in the record's note).
      const skip =
        route.backend === 'webgpu' && ['sin', 'cos', 'tan'].includes(c.primitive)
          ? (i: number) => Math.abs(c.a[i]!) >= 8192 && Number.isFinite(c.a[i]!)
          : undefined;
      expect(
        mismatches(c, got, want, tolerance(route, c.primitive, dtype), {
          atol: dtype === 'float32' ? 1e-30 : 0,
          ...(skip ? { skip } : {}),
        }),
      ).toEqual([]);
    });

    it.each(route.claims.flatMap((p) => route.dtypes.map((dtype) => [p, dtype] as const)))(
      '%s over its domain, densely sampled, in %s',
      async (primitive, dtype) => {
        const c = denseCase(primitive);
        const got = await runOn(route, c, dtype);
        expect(
          mismatches(c, got, referenceOf(c, dtype), tolerance(route, primitive, dtype), {
            atol: dtype === 'float32' ? 1e-30 : 0,
          }),
        ).toEqual([]);
      },
    );

    const lacking = ELEMENTWISE_PRIMITIVES.filter((p) => !route.claims.includes(p));
    if (lacking.length) {
      unclaimed.set(route.name, lacking);
      it.each(lacking.map((p) => [p]))('refuses %s by name, with the rebuild to do', async (primitive) => {
        const c = casesOf(primitive)[0]!;
        await expect(runOn(route, c, 'float64')).rejects.toThrow(
          `this native build has no kernel for '${primitive}'; rebuild with npm run build:native`,
        );
      });
    }
  });
}

describe('coverage', () => {
  beforeAll(() => {
    for (const route of ROUTES) {
      if (!available(route))
        console.warn(
          `every-primitive walk: ${route.name} is not available here (${route.backend === 'eager' ? '' : JSON.stringify(backendStatus(route.backend))})`,
        );
    }
  });

  it('lists, per available backend, the primitives it could not run', () => {
    const report = ROUTES.filter(available).map(
      (route) => `${route.name}: ${unclaimed.get(route.name)?.join(', ') || 'none'}`,
    );
    console.info(`primitives each backend could not run (no kernel in its table):\n  ${report.join('\n  ')}`);
    // Only the native addon's table can lag behind the engine (an addon built from older sources); JS and WGSL tables are total by type.
    for (const route of ROUTES)
      if (route.backend !== 'native') expect(unclaimed.get(route.name), route.name).toBeUndefined();
  });
});
