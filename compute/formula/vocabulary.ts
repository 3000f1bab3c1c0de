// The names a formula may use: variables, constants and functions. Each
// function says how it traces (through the engine's ops) and what it means on
// float64 scalars (the primitives' reference semantics), in one entry.
// Lookups go through Maps only, so 'constructor', '__proto__' or 'toString'
// are simply unknown names.

import * as ops from '../ops.js';
import { scalarSemantics, powIEEE } from '../core/primitives.js';
import type { Value } from '../core/trace.js';

export type VariableName = 'x' | 'y';

export interface FormulaFunction {
  arity: 1 | 2;
  description: string;
  trace: (...args: Value[]) => Value;
  scalar: (...args: number[]) => number;
}

const unary = (description: string, trace: (a: Value) => Value, scalar: (a: number) => number): FormulaFunction => ({
  arity: 1,
  description,
  trace: (a) => trace(a),
  scalar: (a) => scalar(a!),
});

const binary = (description: string, trace: (a: Value, b: Value) => Value, scalar: (a: number, b: number) => number): FormulaFunction => ({
  arity: 2,
  description,
  trace: (a, b) => trace(a!, b!),
  scalar: (a, b) => scalar(a!, b!),
});

const s = scalarSemantics;
const none = {} as Record<string, never>;

export const FUNCTIONS: ReadonlyMap<string, FormulaFunction> = new Map([
  ['cos', unary('cosine (radians)', ops.cos, (a) => s.cos(a, NaN, none))],
  ['sin', unary('sine (radians)', ops.sin, (a) => s.sin(a, NaN, none))],
  ['tan', unary('tangent (radians)', ops.tan, (a) => s.tan(a, NaN, none))],
  ['exp', unary('e to the power', ops.exp, (a) => s.exp(a, NaN, none))],
  ['log', unary('natural logarithm', ops.log, (a) => s.log(a, NaN, none))],
  ['sqrt', unary('square root', ops.sqrt, (a) => s.sqrt(a, NaN, none))],
  ['abs', unary('absolute value', ops.abs, (a) => s.abs(a, NaN, none))],
  ['tanh', unary('hyperbolic tangent', ops.tanh, (a) => s.tanh(a, NaN, none))],
  ['square', unary('a times a', ops.square, (a) => s.square(a, NaN, none))],
  ['neg', unary('minus a', ops.neg, (a) => s.neg(a, NaN, none))],
  ['min', binary('the smaller (NaN if either is NaN)', ops.minimum, (a, b) => s.min(a, b, none))],
  ['max', binary('the larger (NaN if either is NaN)', ops.maximum, (a, b) => s.max(a, b, none))],
  ['pow', binary('a to the power b', ops.pow, powIEEE)],
]);

export const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);

export const VARIABLES: ReadonlyMap<string, VariableName> = new Map([
  ['x', 'x'],
  ['y', 'y'],
]);

/** Every name a formula may use, for error messages and the UI's help. */
export function knownNames(): string[] {
  return [...VARIABLES.keys(), ...CONSTANTS.keys(), ...FUNCTIONS.keys()];
}
