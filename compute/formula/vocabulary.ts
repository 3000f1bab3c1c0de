// The names a formula may use: variables, constants, functions and
// operators. Each function and operator names the primitive it binds (a
// table keyed by primitive, so a primitive without a formula spelling is a
// compile error); how it traces and what it means on float64 scalars follow
// from the primitive. Lookups go through Maps only, so 'constructor',
// '__proto__' or 'toString' are simply unknown names.

import * as ops from '../ops.js';
import { type BinaryPrimitive, type UnaryPrimitive, arity, scalarSemantics } from '../core/primitives.js';
import type { Value } from '../core/trace.js';

export type VariableName = 'x' | 'y';

/** The infix operators, loosest first: + and -, then * / %, then ^ (or Python's **). */
export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^';

/** Primitives a formula can name: every unary and binary one (integer_pow comes from pow with a constant exponent). */
export type FormulaPrimitive = UnaryPrimitive | BinaryPrimitive;

interface Spelling {
  /** The function names that call it, the first the canonical one; none for an operator only. */
  functions: readonly string[];
  description: string;
}

const SPELLINGS: { readonly [P in FormulaPrimitive]: Spelling } = {
  neg: { functions: ['neg'], description: 'minus a' },
  square: { functions: ['square'], description: 'a times a' },
  cos: { functions: ['cos'], description: 'cosine (radians)' },
  sin: { functions: ['sin'], description: 'sine (radians)' },
  tan: { functions: ['tan'], description: 'tangent (radians)' },
  exp: { functions: ['exp'], description: 'e to the power' },
  log: { functions: ['log'], description: 'natural logarithm' },
  sqrt: { functions: ['sqrt'], description: 'square root' },
  abs: { functions: ['abs'], description: 'absolute value' },
  tanh: { functions: ['tanh'], description: 'hyperbolic tangent' },
  atan: { functions: ['atan', 'arctan'], description: 'inverse tangent (radians, in [-pi/2, pi/2])' },
  asin: { functions: ['asin', 'arcsin'], description: 'inverse sine (NaN outside [-1, 1])' },
  acos: { functions: ['acos', 'arccos'], description: 'inverse cosine (NaN outside [-1, 1])' },
  sinh: { functions: ['sinh'], description: 'hyperbolic sine' },
  cosh: { functions: ['cosh'], description: 'hyperbolic cosine' },
  floor: { functions: ['floor'], description: 'the largest integer not above a' },
  ceil: { functions: ['ceil'], description: 'the smallest integer not below a' },
  sign: { functions: ['sign'], description: '-1, 0 or 1 as a is negative, zero or positive' },
  log2: { functions: ['log2'], description: 'base-2 logarithm' },
  log10: { functions: ['log10'], description: 'base-10 logarithm' },
  add: { functions: [], description: 'a plus b' },
  sub: { functions: [], description: 'a minus b' },
  mul: { functions: [], description: 'a times b' },
  div: { functions: [], description: 'a divided by b' },
  pow: { functions: ['pow'], description: 'a to the power b' },
  min: { functions: ['min'], description: 'the smaller (NaN if either is NaN)' },
  max: { functions: ['max'], description: 'the larger (NaN if either is NaN)' },
  atan2: { functions: ['atan2', 'arctan2'], description: 'the angle of the point (x, y): atan2(y, x), in [-pi, pi]' },
  hypot: { functions: ['hypot'], description: 'sqrt(a^2 + b^2) without overflow' },
  mod: { functions: ['mod'], description: "a modulo b with the divisor's sign, as NumPy's mod (also a % b)" },
};

/** The primitive each operator binds. */
export const OPERATORS: { readonly [op in BinaryOperator]: BinaryPrimitive } = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '^': 'pow',
};

export interface FormulaFunction {
  primitive: FormulaPrimitive;
  arity: 1 | 2;
  description: string;
  trace: (...args: Value[]) => Value;
  scalar: (...args: number[]) => number;
}

const none = {} as Record<string, never>;

/** How a primitive traces: through the ops, so that pow with a constant integer exponent becomes integer_pow. */
export function traceFor(primitive: FormulaPrimitive): (...args: Value[]) => Value {
  if (primitive === 'pow') return (a, b) => ops.pow(a!, b!);
  return arity(primitive) === 2 ? (a, b) => ops.bind(primitive, [a!, b!]) : (a) => ops.bind(primitive, [a!]);
}

/** The primitive's float64 meaning (the reference semantics). */
export function scalarFor(primitive: FormulaPrimitive): (...args: number[]) => number {
  const meaning = scalarSemantics[primitive] as (a: number, b: number, params: typeof none) => number;
  return (a, b) => meaning(a!, b ?? NaN, none);
}

function buildFunctions(): Map<string, FormulaFunction> {
  const functions = new Map<string, FormulaFunction>();
  for (const primitive of Object.keys(SPELLINGS) as FormulaPrimitive[]) {
    const { functions: names, description } = SPELLINGS[primitive];
    const entry: FormulaFunction = { primitive, arity: arity(primitive), description, trace: traceFor(primitive), scalar: scalarFor(primitive) };
    for (const name of names) functions.set(name, entry);
  }
  return functions;
}

export const FUNCTIONS: ReadonlyMap<string, FormulaFunction> = buildFunctions();

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
