// The array operations users write functions with, as jax.numpy: each one
// binds a primitive. On tracers it records an equation; on concrete arrays it
// runs eagerly (one allocation per op, as NumPy); on numbers alone it folds.
// The elementwise operations are generated from one table of names keyed by
// primitive, so a new primitive is an operation here with no code to write.

import { NDArray } from './core/ndarray.js';
import type { AnyParams, BinaryPrimitive, Primitive, UnaryPrimitive } from './core/primitives.js';
import { arity, scalarSemantics } from './core/primitives.js';
import { normalizeAxis } from './core/shape.js';
import { type Value, bindTraced, innermostBuilder } from './core/trace.js';
import { evalEager } from './backends/eager.js';

/** Binds one primitive to its arguments, wherever they are. */
export function bind(primitive: Primitive, args: readonly Value[], params: AnyParams = {}): Value {
  const builder = innermostBuilder(args);
  if (builder) return bindTraced(builder, primitive, args, params);
  if (args.every((a) => typeof a === 'number')) {
    const meaning = scalarSemantics[primitive as keyof typeof scalarSemantics] as (a: number, b: number, p: AnyParams) => number;
    if (!meaning) throw new Error(`${primitive} needs an array operand`);
    return meaning(args[0] as number, (args[1] as number | undefined) ?? NaN, params);
  }
  return evalEager(primitive, args as (NDArray | number)[], params);
}

/**
 * The name of each elementwise primitive's operation in this module: the
 * primitive's own, except where jax.numpy's is the one users know
 * (minimum, maximum). pow is written by hand below (integer_pow).
 */
const OPERATION_NAMES = {
  neg: 'neg',
  square: 'square',
  cos: 'cos',
  sin: 'sin',
  tan: 'tan',
  exp: 'exp',
  log: 'log',
  sqrt: 'sqrt',
  abs: 'abs',
  tanh: 'tanh',
  atan: 'atan',
  asin: 'asin',
  acos: 'acos',
  sinh: 'sinh',
  cosh: 'cosh',
  floor: 'floor',
  ceil: 'ceil',
  sign: 'sign',
  log2: 'log2',
  log10: 'log10',
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  min: 'minimum',
  max: 'maximum',
  atan2: 'atan2',
  hypot: 'hypot',
  mod: 'mod',
} as const satisfies { [P in Exclude<UnaryPrimitive | BinaryPrimitive, 'pow'>]: string };

type Named = typeof OPERATION_NAMES;
type Operations = {
  [P in keyof Named as Named[P]]: P extends BinaryPrimitive ? (x: Value, y: Value) => Value : (x: Value) => Value;
};

function generateOperations(): Operations {
  const entries = (Object.keys(OPERATION_NAMES) as (keyof Named)[]).map((primitive) => [
    OPERATION_NAMES[primitive],
    arity(primitive) === 2 ? (x: Value, y: Value) => bind(primitive, [x, y]) : (x: Value) => bind(primitive, [x]),
  ]);
  return Object.fromEntries(entries) as Operations;
}

const operations = generateOperations();

export const { neg, square, cos, sin, tan, exp, log, sqrt, abs, tanh } = operations;
export const { atan, asin, acos, sinh, cosh, floor, ceil, sign, log2, log10 } = operations;
export const { add, sub, mul, div, atan2, hypot } = operations;
/** NumPy's minimum/maximum (elementwise, NaN-propagating). */
export const { minimum, maximum } = operations;
/** NumPy's mod (np.remainder): the result takes the divisor's sign. */
export const { mod } = operations;

// A generated operation left out of the exports above is a compile error here, naming it.
type Unexported = Exclude<keyof Operations, keyof typeof import('./ops.js')>;
const everyOperationExported: [Unexported] extends [never] ? true : { unexported: Unexported } = true;
void everyOperationExported;

/** x ** y. A constant integer exponent becomes integer_pow (multiplications), as in JAX. */
export function pow(x: Value, y: Value): Value {
  if (typeof y === 'number' && Number.isInteger(y) && Math.abs(y) <= 64) return bind('integer_pow', [x], { y });
  return bind('pow', [x, y]);
}

export function broadcastInDim(x: Value, shape: readonly number[], broadcastDimensions: readonly number[]): Value {
  return bind('broadcast_in_dim', [x], { shape: [...shape], broadcastDimensions: [...broadcastDimensions] });
}

export function transpose(x: Value, permutation: readonly number[]): Value {
  return bind('transpose', [x], { permutation: [...permutation] });
}

/** Moves one axis of x to a new position (a transpose). */
export function moveAxis(x: Value, source: number, destination: number): Value {
  if (typeof x === 'number') return x;
  const rank = x.shape.length;
  const from = normalizeAxis(source, rank);
  const to = normalizeAxis(destination, rank);
  if (from === to) return x;
  const order = x.shape.map((_, axis) => axis).filter((axis) => axis !== from);
  order.splice(to, 0, from);
  return transpose(x, order);
}
