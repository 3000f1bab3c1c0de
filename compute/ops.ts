// The array operations users write functions with, as jax.numpy: each one
// binds a primitive. On tracers it records an equation; on concrete arrays it
// runs eagerly (one allocation per op, as NumPy); on numbers alone it folds.

import { NDArray } from './core/ndarray.js';
import type { AnyParams, Primitive } from './core/primitives.js';
import { normalizeAxis } from './core/shape.js';
import { type Value, bindTraced, innermostBuilder } from './core/trace.js';
import { evalEager } from './backends/eager.js';
import { scalarSemantics } from './core/primitives.js';

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

const unary = (primitive: Primitive) => (x: Value) => bind(primitive, [x]);
const binary = (primitive: Primitive) => (x: Value, y: Value) => bind(primitive, [x, y]);

export const neg = unary('neg');
export const square = unary('square');
export const cos = unary('cos');
export const sin = unary('sin');
export const tan = unary('tan');
export const exp = unary('exp');
export const log = unary('log');
export const sqrt = unary('sqrt');
export const abs = unary('abs');
export const tanh = unary('tanh');
export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');
/** NumPy's minimum/maximum (elementwise, NaN-propagating). */
export const minimum = binary('min');
export const maximum = binary('max');

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
