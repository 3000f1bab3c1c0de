// The array operations users write functions with, as jax.numpy: each one
// binds a primitive. On tracers it records an equation; on concrete arrays it
// runs eagerly (one allocation per op, as NumPy); on numbers alone it folds.
// The elementwise operations are generated from the primitives' declarations
// (core/primitives.ts), so a new primitive is an operation of `np` with no
// code to write here.

import { NDArray } from './core/ndarray.js';
import type { AnyParams, BinaryPrimitive, Primitive, Spelling, UnaryPrimitive } from './core/primitives.js';
import { SPELLINGS, arity, scalarSemantics } from './core/primitives.js';
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

/** The primitives with a generated operation: every unary and binary one but pow (written below: integer_pow). */
type Generated = Exclude<UnaryPrimitive | BinaryPrimitive, 'pow'>;
/** An operation's name: its spelling's `ops` where jax.numpy's differs (minimum, maximum), else the primitive's. */
type OperationName<P extends Generated> = (typeof SPELLINGS)[P] extends { ops: infer N extends string } ? N : P;
type Operations = {
  [P in Generated as OperationName<P>]: P extends BinaryPrimitive ? (x: Value, y: Value) => Value : (x: Value) => Value;
};

function generateOperations(): Operations {
  const generated = (Object.keys(SPELLINGS) as (keyof typeof SPELLINGS)[]).filter((p): p is Generated => p !== 'pow' && p !== 'integer_pow');
  const entries = generated.map((primitive) => {
    const spelling: Spelling = SPELLINGS[primitive];
    const operation = arity(primitive) === 2 ? (x: Value, y: Value) => bind(primitive, [x, y]) : (x: Value) => bind(primitive, [x]);
    return [spelling.ops ?? primitive, operation] as const;
  });
  return Object.fromEntries(entries) as Operations;
}

const operations = generateOperations();

// The operations by name, for the engine's modules and tests; `np` below holds every one, a new primitive's included.
export const { neg, square, cos, sin, tan, exp, log, sqrt, abs, tanh } = operations;
export const { atan, asin, acos, sinh, cosh, floor, ceil, sign, log2, log10 } = operations;
export const { add, sub, mul, div, atan2, hypot } = operations;
/** NumPy's minimum/maximum (elementwise, NaN-propagating). */
export const { minimum, maximum } = operations;
/** NumPy's mod (np.remainder): the result takes the divisor's sign. */
export const { mod } = operations;

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

/** Every operation, as compute/index.ts exports it: `np.cos(x)`, `np.atan2(y, x)`, `np.bind('cos', [x])`. */
export const np = { ...operations, bind, pow, broadcastInDim, transpose, moveAxis } as const;
