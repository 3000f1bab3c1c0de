// The closed set of primitives. Each is declared once here: its name, its
// arity, its parameters, its meaning on scalars (the reference every backend
// is tested against) and how users spell it (in a formula, in compute/ops.ts,
// in Python). Interpretations — backend emitters — are tables keyed by these
// names in their backends; batching rules, the formula vocabulary and the
// Python names are derived from the declarations. Every table is typed over
// the union, so a missing entry is a compile error. A new elementwise
// primitive is: its name and entries here, an emitter in backends/js.ts and
// backends/wgsl.ts (with its WGSL_NUMERICS note), and its opcode and kernels
// in native/src/opcodes.h. Reductions (reduce_sum/max/min, argmax/argmin)
// have their shape rule here, their meaning in core/reductions.ts and their
// batching rule in transforms/vmap.ts; backends run them as a fused
// map-reduce at a kernel's root (backends/fuse.ts, staged.ts). Collectives
// (psum/pmax/pmin) never reach a backend: vmap/pmap's batching resolves them.

import { type DType, promote } from './dtype.js';
import type { AbstractValue } from './graph.js';
import { broadcastOperands, formatShape } from './shape.js';

export const UNARY_PRIMITIVES = [
  'neg',
  'square',
  'cos',
  'sin',
  'tan',
  'exp',
  'log',
  'sqrt',
  'abs',
  'tanh',
  'atan',
  'asin',
  'acos',
  'sinh',
  'cosh',
  'floor',
  'ceil',
  'sign',
  'log2',
  'log10',
] as const;
/** atan2's first operand is y, as in C and NumPy: atan2(y, x). */
export const BINARY_PRIMITIVES = ['add', 'sub', 'mul', 'div', 'pow', 'min', 'max', 'atan2', 'hypot', 'mod'] as const;

export type UnaryPrimitive = (typeof UNARY_PRIMITIVES)[number];
export type BinaryPrimitive = (typeof BINARY_PRIMITIVES)[number];
/** x ** y for a constant integer y: lowered to multiplications, as JAX's integer_pow. */
export type IntegerPowPrimitive = 'integer_pow';
export type ElementwisePrimitive = UnaryPrimitive | BinaryPrimitive | IntegerPowPrimitive;
/** Primitives that only re-index: every backend turns them into strides, never copies. */
export type StructuralPrimitive = 'broadcast_in_dim' | 'transpose';
/** Reductions over some axes (lax.reduce_sum, reduce_max, reduce_min; argmax/argmin: the row-major index over them). */
export const REDUCTION_PRIMITIVES = ['reduce_sum', 'reduce_max', 'reduce_min', 'argmax', 'argmin'] as const;
export type ReductionPrimitive = (typeof REDUCTION_PRIMITIVES)[number];
/** Collectives over a named axis of vmap/pmap (lax.psum, pmax, pmin): every example gets the total. */
export const COLLECTIVE_PRIMITIVES = ['psum', 'pmax', 'pmin'] as const;
export type CollectivePrimitive = (typeof COLLECTIVE_PRIMITIVES)[number];
export type Primitive = ElementwisePrimitive | StructuralPrimitive | ReductionPrimitive | CollectivePrimitive;

export interface PrimitiveParams {
  integer_pow: { y: number };
  /** Output shape, and for each operand axis the output axis it becomes (as lax.broadcast_in_dim). */
  broadcast_in_dim: { shape: readonly number[]; broadcastDimensions: readonly number[] };
  /** Output axis i is operand axis permutation[i]. */
  transpose: { permutation: readonly number[] };
  /** The reduced axes, sorted, each once. */
  reduce_sum: { axes: readonly number[] };
  reduce_max: { axes: readonly number[] };
  reduce_min: { axes: readonly number[] };
  argmax: { axes: readonly number[] };
  argmin: { axes: readonly number[] };
  psum: { axisName: string };
  pmax: { axisName: string };
  pmin: { axisName: string };
}
export type ParamsOf<P extends Primitive> = P extends keyof PrimitiveParams
  ? PrimitiveParams[P]
  : Record<string, never>;
export type AnyParams = PrimitiveParams[keyof PrimitiveParams] | Record<string, never>;

export const ELEMENTWISE_PRIMITIVES: readonly ElementwisePrimitive[] = [
  ...UNARY_PRIMITIVES,
  ...BINARY_PRIMITIVES,
  'integer_pow',
];
export const STRUCTURAL_PRIMITIVES: readonly StructuralPrimitive[] = ['broadcast_in_dim', 'transpose'];
export const ALL_PRIMITIVES: readonly Primitive[] = [
  ...ELEMENTWISE_PRIMITIVES,
  ...STRUCTURAL_PRIMITIVES,
  ...REDUCTION_PRIMITIVES,
  ...COLLECTIVE_PRIMITIVES,
];

export function arity(primitive: Primitive): 1 | 2 {
  return (BINARY_PRIMITIVES as readonly string[]).includes(primitive) ? 2 : 1;
}

export function isElementwise(primitive: Primitive): primitive is ElementwisePrimitive {
  return (ELEMENTWISE_PRIMITIVES as readonly string[]).includes(primitive);
}

export function isReduction(primitive: Primitive): primitive is ReductionPrimitive {
  return (REDUCTION_PRIMITIVES as readonly string[]).includes(primitive);
}

export function isCollective(primitive: Primitive): primitive is CollectivePrimitive {
  return (COLLECTIVE_PRIMITIVES as readonly string[]).includes(primitive);
}

export function isPrimitive(name: string): name is Primitive {
  return (ALL_PRIMITIVES as readonly string[]).includes(name);
}

/**
 * pow with C's (and NumPy's) special cases, which Math.pow lacks:
 * 1 ** anything is 1, and (-1) ** ±Infinity is 1.
 */
export function powIEEE(base: number, exponent: number): number {
  if (base === 1) return 1;
  if (base === -1 && (exponent === Infinity || exponent === -Infinity)) return 1;
  return Math.pow(base, exponent);
}

/** NumPy's minimum/maximum: NaN in either operand gives NaN (unlike C's fmin). */
export function minimum(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a < b ? a : b;
}
export function maximum(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a > b ? a : b;
}

/** NumPy's sign: -1, 0 or 1 (+0 for ±0), NaN for NaN. */
export function sign(a: number): number {
  return a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN;
}

/**
 * NumPy's mod (np.remainder, Python's %): the result takes the divisor's
 * sign. As npy_remainder: fmod (JS's % is C's fmod, exact), then moved into
 * the divisor's half-open range; a zero result gets the divisor's sign;
 * mod(a, 0), mod(±Inf, b) and NaN operands give NaN.
 */
export function mod(a: number, b: number): number {
  const m = a % b;
  if (b === 0) return m;
  if (m !== 0) return m === m && b < 0 !== m < 0 ? m + b : m;
  return b < 0 ? -0 : 0;
}

/** What each elementwise primitive means on scalars (float64): the reference semantics. */
export const scalarSemantics: { [P in ElementwisePrimitive]: (a: number, b: number, params: ParamsOf<P>) => number } = {
  neg: (a) => -a,
  square: (a) => a * a,
  cos: Math.cos,
  sin: Math.sin,
  tan: Math.tan,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  tanh: Math.tanh,
  atan: Math.atan,
  asin: Math.asin,
  acos: Math.acos,
  sinh: Math.sinh,
  cosh: Math.cosh,
  floor: Math.floor,
  ceil: Math.ceil,
  sign,
  log2: Math.log2,
  log10: Math.log10,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powIEEE,
  min: minimum,
  max: maximum,
  atan2: Math.atan2,
  hypot: (a, b) => Math.hypot(a, b),
  mod,
  integer_pow: (a, _b, { y }) => powIEEE(a, y),
};

/** Python's operators for elementwise primitives: infix for binary ones, prefix (-a) for neg. */
export type PythonOperator = '+' | '-' | '*' | '/' | '%' | '**';

/** How users write a primitive. */
export interface Spelling {
  /** The formula functions that call it, the canonical one first; none: an operator only (or, for integer_pow, pow). */
  readonly formula: readonly string[];
  /** What it computes, for the formula help. */
  readonly description: string;
  /** Its function in jax.numpy and NumPy alike: jnp.<python>, np.<python>. */
  readonly python: string;
  /** The Python operator that writes it (a % b, -a), where Python has one. */
  readonly pythonOperator?: PythonOperator;
  /** Its name in compute/ops.ts, where jax.numpy's differs from the primitive's (minimum, maximum). */
  readonly ops?: string;
}

export const SPELLINGS = {
  neg: { formula: ['neg'], description: 'minus a', python: 'negative', pythonOperator: '-' },
  square: { formula: ['square'], description: 'a times a', python: 'square' },
  cos: { formula: ['cos'], description: 'cosine (radians)', python: 'cos' },
  sin: { formula: ['sin'], description: 'sine (radians)', python: 'sin' },
  tan: { formula: ['tan'], description: 'tangent (radians)', python: 'tan' },
  exp: { formula: ['exp'], description: 'e to the power', python: 'exp' },
  log: { formula: ['log'], description: 'natural logarithm', python: 'log' },
  sqrt: { formula: ['sqrt'], description: 'square root', python: 'sqrt' },
  abs: { formula: ['abs'], description: 'absolute value', python: 'abs' },
  tanh: { formula: ['tanh'], description: 'hyperbolic tangent', python: 'tanh' },
  // arctan rather than NumPy 2's atan alias, so the exported programs run on NumPy 1 too.
  atan: { formula: ['atan', 'arctan'], description: 'inverse tangent (radians, in [-pi/2, pi/2])', python: 'arctan' },
  asin: { formula: ['asin', 'arcsin'], description: 'inverse sine (NaN outside [-1, 1])', python: 'arcsin' },
  acos: { formula: ['acos', 'arccos'], description: 'inverse cosine (NaN outside [-1, 1])', python: 'arccos' },
  sinh: { formula: ['sinh'], description: 'hyperbolic sine', python: 'sinh' },
  cosh: { formula: ['cosh'], description: 'hyperbolic cosine', python: 'cosh' },
  floor: { formula: ['floor'], description: 'the largest integer not above a', python: 'floor' },
  ceil: { formula: ['ceil'], description: 'the smallest integer not below a', python: 'ceil' },
  sign: { formula: ['sign'], description: '-1, 0 or 1 as a is negative, zero or positive', python: 'sign' },
  log2: { formula: ['log2'], description: 'base-2 logarithm', python: 'log2' },
  log10: { formula: ['log10'], description: 'base-10 logarithm', python: 'log10' },
  add: { formula: [], description: 'a plus b', python: 'add', pythonOperator: '+' },
  sub: { formula: [], description: 'a minus b', python: 'subtract', pythonOperator: '-' },
  mul: { formula: [], description: 'a times b', python: 'multiply', pythonOperator: '*' },
  div: { formula: [], description: 'a divided by b', python: 'divide', pythonOperator: '/' },
  pow: { formula: ['pow'], description: 'a to the power b', python: 'power', pythonOperator: '**' },
  min: { formula: ['min'], description: 'the smaller (NaN if either is NaN)', python: 'minimum', ops: 'minimum' },
  max: { formula: ['max'], description: 'the larger (NaN if either is NaN)', python: 'maximum', ops: 'maximum' },
  atan2: {
    formula: ['atan2', 'arctan2'],
    description: 'the angle of the point (x, y): atan2(y, x), in [-pi, pi]',
    python: 'arctan2',
  },
  hypot: { formula: ['hypot'], description: 'sqrt(a^2 + b^2) without overflow', python: 'hypot' },
  // Python's % on arrays is np.remainder, which is np.mod.
  mod: {
    formula: ['mod'],
    description: "a modulo b with the divisor's sign, as NumPy's mod (also a % b)",
    python: 'mod',
    pythonOperator: '%',
  },
  integer_pow: {
    formula: [],
    description: 'a to a constant integer power (from pow or ^)',
    python: 'power',
    pythonOperator: '**',
  },
} as const satisfies { readonly [P in ElementwisePrimitive]: Spelling };

/** Rounds a float64 result to the dtype the primitive produced. */
export function roundResult(dtype: DType, value: number): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}

/** Each primitive's shape rule: the abstract value of its output from those of its inputs. */
export function outputAval(
  primitive: Primitive,
  inputs: readonly (AbstractValue | null)[],
  params: AnyParams,
): AbstractValue {
  const arrays = inputs.filter((a): a is AbstractValue => a !== null);
  if (arrays.length === 0) throw new Error(`${primitive}: at least one operand must be an array`);
  const dtype = arrays.reduce<DType>((d, a) => promote(d, a.dtype), arrays[0]!.dtype);
  switch (primitive) {
    case 'broadcast_in_dim': {
      const { shape, broadcastDimensions } = params as PrimitiveParams['broadcast_in_dim'];
      const operand = arrays[0]!;
      if (broadcastDimensions.length !== operand.shape.length) {
        throw new Error(
          `broadcast_in_dim: operand of rank ${operand.shape.length} needs ${operand.shape.length} broadcast ` +
            `dimensions`,
        );
      }
      broadcastDimensions.forEach((axis, k) => {
        const dim = operand.shape[k]!;
        if (
          !(axis >= 0 && axis < shape.length && (dim === 1 || dim === shape[axis])) ||
          (k > 0 && axis <= broadcastDimensions[k - 1]!)
        ) {
          throw new Error(
            `broadcast_in_dim: operand shape ${formatShape(operand.shape)} does not fit ${formatShape(shape)} at ` +
              `dimensions (${broadcastDimensions.join(', ')})`,
          );
        }
      });
      return { shape: [...shape], dtype };
    }
    case 'transpose': {
      const { permutation } = params as PrimitiveParams['transpose'];
      const operand = arrays[0]!;
      const sorted = [...permutation].sort((a, b) => a - b);
      if (permutation.length !== operand.shape.length || sorted.some((axis, i) => axis !== i)) {
        throw new Error(`transpose: (${permutation.join(', ')}) is not a permutation of ${operand.shape.length} axes`);
      }
      return { shape: permutation.map((axis) => operand.shape[axis]!), dtype };
    }
    case 'reduce_sum':
    case 'reduce_max':
    case 'reduce_min':
    case 'argmax':
    case 'argmin': {
      const { axes } = params as PrimitiveParams['reduce_sum'];
      const operand = arrays[0]!;
      if (
        axes.some(
          (a, k) => !(Number.isInteger(a) && a >= 0 && a < operand.shape.length) || (k > 0 && a <= axes[k - 1]!),
        )
      ) {
        throw new Error(
          `${primitive}: axes (${axes.join(', ')}) are not distinct axes of an array of rank ${operand.shape.length}`,
        );
      }
      if (primitive !== 'reduce_sum' && axes.some((a) => operand.shape[a] === 0)) {
        throw new Error(`${primitive}: zero-size array to a reduction operation that has no identity`);
      }
      // Indices are float64 (exact to 2^53): the engine has no integer dtype.
      const outDtype = primitive.startsWith('arg') ? 'float64' : dtype;
      return { shape: operand.shape.filter((_, a) => !axes.includes(a)), dtype: outDtype };
    }
    case 'psum':
    case 'pmax':
    case 'pmin':
      return { shape: [...arrays[0]!.shape], dtype };
    default:
      if (!isElementwise(primitive)) return primitive satisfies never;
      return {
        shape: broadcastOperands(
          primitive,
          arrays.map((a) => a.shape),
        ),
        dtype,
      };
  }
}
