// The names a formula may use: variables, constants, functions and
// operators. The functions are the primitives' formula spellings (declared
// with each primitive in core/primitives.ts), and each operator names the
// primitive it binds; how a name traces and what it means on float64 scalars
// follow from its primitive. Lookups go through Maps only, so 'constructor',
// '__proto__' or 'toString' are simply unknown names.

import * as ops from '../ops.js';
import { type BinaryPrimitive, type UnaryPrimitive, SPELLINGS, arity, scalarSemantics } from '../core/primitives.js';
import type { Value } from '../core/trace.js';

export type VariableName = 'x' | 'y';

/** The infix operators, loosest first: + and -, then * / %, then ^ (or Python's **). */
export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^';

/** Primitives a formula can name: every unary and binary one (integer_pow comes from pow with a constant exponent). */
export type FormulaPrimitive = UnaryPrimitive | BinaryPrimitive;

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
  for (const primitive of Object.keys(SPELLINGS) as (keyof typeof SPELLINGS)[]) {
    if (primitive === 'integer_pow') continue;
    const { formula: names, description } = SPELLINGS[primitive];
    const entry: FormulaFunction = {
      primitive,
      arity: arity(primitive),
      description,
      trace: traceFor(primitive),
      scalar: scalarFor(primitive),
    };
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
