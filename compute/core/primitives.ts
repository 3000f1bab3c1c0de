// The closed set of primitives. Each is declared once here: its name, its
// arity, its parameters and its meaning on scalars (the reference every
// backend is tested against). Interpretations — batching rules, backend
// emitters — are tables keyed by these names elsewhere, typed so that a
// missing entry is a compile error. Adding a primitive starts here.

import { type DType, promote } from './dtype.js';
import type { AbstractValue } from './graph.js';
import { broadcastOperands, formatShape } from './shape.js';

export const UNARY_PRIMITIVES = ['neg', 'square', 'cos', 'sin', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh'] as const;
export const BINARY_PRIMITIVES = ['add', 'sub', 'mul', 'div', 'pow', 'min', 'max'] as const;

export type UnaryPrimitive = (typeof UNARY_PRIMITIVES)[number];
export type BinaryPrimitive = (typeof BINARY_PRIMITIVES)[number];
/** x ** y for a constant integer y: lowered to multiplications, as JAX's integer_pow. */
export type IntegerPowPrimitive = 'integer_pow';
export type ElementwisePrimitive = UnaryPrimitive | BinaryPrimitive | IntegerPowPrimitive;
/** Primitives that only re-index: every backend turns them into strides, never copies. */
export type StructuralPrimitive = 'broadcast_in_dim' | 'transpose';
export type Primitive = ElementwisePrimitive | StructuralPrimitive;

export interface PrimitiveParams {
  integer_pow: { y: number };
  /** Output shape, and for each operand axis the output axis it becomes (as lax.broadcast_in_dim). */
  broadcast_in_dim: { shape: readonly number[]; broadcastDimensions: readonly number[] };
  /** Output axis i is operand axis permutation[i]. */
  transpose: { permutation: readonly number[] };
}
export type ParamsOf<P extends Primitive> = P extends keyof PrimitiveParams ? PrimitiveParams[P] : Record<string, never>;
export type AnyParams = PrimitiveParams[keyof PrimitiveParams] | Record<string, never>;

export const ELEMENTWISE_PRIMITIVES: readonly ElementwisePrimitive[] = [...UNARY_PRIMITIVES, ...BINARY_PRIMITIVES, 'integer_pow'];
export const STRUCTURAL_PRIMITIVES: readonly StructuralPrimitive[] = ['broadcast_in_dim', 'transpose'];
export const ALL_PRIMITIVES: readonly Primitive[] = [...ELEMENTWISE_PRIMITIVES, ...STRUCTURAL_PRIMITIVES];

export function arity(primitive: Primitive): 1 | 2 {
  return (BINARY_PRIMITIVES as readonly string[]).includes(primitive) ? 2 : 1;
}

export function isElementwise(primitive: Primitive): primitive is ElementwisePrimitive {
  return primitive !== 'broadcast_in_dim' && primitive !== 'transpose';
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
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powIEEE,
  min: minimum,
  max: maximum,
  integer_pow: (a, _b, { y }) => powIEEE(a, y),
};

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
        throw new Error(`broadcast_in_dim: operand of rank ${operand.shape.length} needs ${operand.shape.length} broadcast dimensions`);
      }
      broadcastDimensions.forEach((axis, k) => {
        const dim = operand.shape[k]!;
        if (!(axis >= 0 && axis < shape.length && (dim === 1 || dim === shape[axis])) || (k > 0 && axis <= broadcastDimensions[k - 1]!)) {
          throw new Error(`broadcast_in_dim: operand shape ${formatShape(operand.shape)} does not fit ${formatShape(shape)} at dimensions (${broadcastDimensions.join(', ')})`);
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
    default:
      return { shape: broadcastOperands(primitive, arrays.map((a) => a.shape)), dtype };
  }
}
