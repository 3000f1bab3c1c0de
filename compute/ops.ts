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
import { namedAxis } from './core/axisEnv.js';
import { type Value, bindTraced, innermostBuilder } from './core/trace.js';
import { evalEager } from './backends/eager.js';

/** Binds one primitive to its arguments, wherever they are. */
export function bind(primitive: Primitive, args: readonly Value[], params: AnyParams = {}): Value {
  const builder = innermostBuilder(args);
  if (builder) return bindTraced(builder, primitive, args, params);
  if (args.every((a) => typeof a === 'number')) {
    const meaning = scalarSemantics[primitive as keyof typeof scalarSemantics] as (
      a: number,
      b: number,
      p: AnyParams,
    ) => number;
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
  const generated = (Object.keys(SPELLINGS) as (keyof typeof SPELLINGS)[]).filter(
    (p): p is Generated => p !== 'pow' && p !== 'integer_pow',
  );
  const entries = generated.map((primitive) => {
    const spelling: Spelling = SPELLINGS[primitive];
    const operation =
      arity(primitive) === 2 ? (x: Value, y: Value) => bind(primitive, [x, y]) : (x: Value) => bind(primitive, [x]);
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

/** A reduction's `axis`, as NumPy takes it: one axis, a list, or none (every axis). */
export type Axis = number | readonly number[] | null | undefined;

/** The sorted, normalized axes of `axis` for an array of the given rank; a repeated axis is an error, as in NumPy. */
export function reductionAxes(axis: Axis, rank: number): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, a) => a);
  const list = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis(a, rank));
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  if (sorted.length !== list.length) throw new Error(`repeated axis in reduction: (${list.join(', ')})`);
  return sorted;
}

function reduce(primitive: 'reduce_sum' | 'reduce_max' | 'reduce_min', x: Value, axis: Axis): Value {
  if (typeof x === 'number') return x;
  const axes = reductionAxes(axis, x.shape.length);
  return axes.length === 0 ? x : bind(primitive, [x], { axes });
}

/** np.sum: accurate (a float64 accumulator, compensated), in the array's dtype. */
export const sum = (x: Value, axis?: Axis): Value => reduce('reduce_sum', x, axis);
/** np.max / np.min: NaN anywhere in a reduced slice gives NaN, as in NumPy. */
export const max = (x: Value, axis?: Axis): Value => reduce('reduce_max', x, axis);
export const min = (x: Value, axis?: Axis): Value => reduce('reduce_min', x, axis);

/** np.mean: the sum over the axes divided by their size, as jnp.mean. */
export function mean(x: Value, axis?: Axis): Value {
  if (typeof x === 'number') return x;
  const axes = reductionAxes(axis, x.shape.length);
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return div(reduce('reduce_sum', x, axes), count);
}

function arg(primitive: 'argmax' | 'argmin', x: Value, axis: number | null | undefined): Value {
  if (typeof x === 'number' || x.shape.length === 0) return 0;
  return bind(primitive, [x], { axes: reductionAxes(axis, x.shape.length) });
}
/** np.argmax / np.argmin: the first index of the extreme (the first NaN, if any); axis none: the flattened index. */
export const argmax = (x: Value, axis?: number | null): Value => arg('argmax', x, axis);
export const argmin = (x: Value, axis?: number | null): Value => arg('argmin', x, axis);

function collective(primitive: 'psum' | 'pmax' | 'pmin', x: Value, axisName: string): Value {
  const { size } = namedAxis(axisName);
  if (typeof x === 'number') return primitive === 'psum' ? x * size : x;
  return bind(primitive, [x], { axisName });
}

/** jax.lax's collectives over a named axis of vmap or pmap: every example (device) gets the total. */
export const lax = {
  psum: (x: Value, axisName: string): Value => collective('psum', x, axisName),
  pmax: (x: Value, axisName: string): Value => collective('pmax', x, axisName),
  pmin: (x: Value, axisName: string): Value => collective('pmin', x, axisName),
  pmean: (x: Value, axisName: string): Value => div(collective('psum', x, axisName), namedAxis(axisName).size),
} as const;

/** Every operation, as compute/index.ts exports it: `np.cos(x)`, `np.atan2(y, x)`, `np.bind('cos', [x])`. */
export const np = {
  ...operations,
  bind,
  pow,
  broadcastInDim,
  transpose,
  moveAxis,
  sum,
  max,
  min,
  mean,
  argmax,
  argmin,
} as const;
