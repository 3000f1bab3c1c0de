// Formula AST → a traceable function of (x, y) built from the engine's ops,
// so a formula is traced, jitted, vmapped and lowered like any other function.

import * as ops from '../ops.js';
import type { Value } from '../core/trace.js';
import { FUNCTIONS, OPERATORS, traceFor, type VariableName } from './vocabulary.js';
import { FormulaError, parseFormula, type FormulaAst, type BinaryOperator } from './syntax.js';

export interface CompiledFormula {
  /** The text as the user wrote it. */
  text: string;
  ast: FormulaAst;
  /** f(x, y): traceable; numbers fold, arrays and tracers go through the ops. */
  fn: (x: Value, y: Value) => Value;
  /** The variables the formula uses, in order x, y. */
  variables: VariableName[];
}

export type FormulaCheck = { ok: true } | { ok: false; message: string; position: number; length: number };

/** How each operator traces: as the primitive it binds (OPERATORS). */
const BINARY_OPS = Object.fromEntries(
  Object.entries(OPERATORS).map(([op, primitive]) => [op, traceFor(primitive)]),
) as {
  readonly [op in BinaryOperator]: (a: Value, b: Value) => Value;
};

function build(ast: FormulaAst, x: Value, y: Value): Value {
  switch (ast.kind) {
    case 'number':
    case 'constant':
      return ast.value;
    case 'variable':
      return ast.name === 'x' ? x : y;
    case 'negate':
      return ops.neg(build(ast.operand, x, y));
    case 'binary':
      return BINARY_OPS[ast.op](build(ast.left, x, y), build(ast.right, x, y));
    case 'call':
      return FUNCTIONS.get(ast.name)!.trace(...ast.args.map((a) => build(a, x, y)));
    default:
      return ast satisfies never;
  }
}

function variablesOf(ast: FormulaAst, found: Set<VariableName>): Set<VariableName> {
  switch (ast.kind) {
    case 'variable':
      found.add(ast.name);
      break;
    case 'negate':
      variablesOf(ast.operand, found);
      break;
    case 'binary':
      variablesOf(ast.left, found);
      variablesOf(ast.right, found);
      break;
    case 'call':
      for (const a of ast.args) variablesOf(a, found);
      break;
  }
  return found;
}

/** Parses and compiles a formula; throws FormulaError (with a position) when the text is not one. */
export function compileFormula(text: string): CompiledFormula {
  const ast = parseFormula(text);
  const used = variablesOf(ast, new Set());
  const variables = (['x', 'y'] as const).filter((v) => used.has(v));
  return { text, ast, fn: (x, y) => build(ast, x, y), variables };
}

/** The parser's verdict on a text, as plain data (for the formula box's inline error). */
export function checkFormula(text: string): FormulaCheck {
  try {
    parseFormula(text);
    return { ok: true };
  } catch (error) {
    if (error instanceof FormulaError)
      return { ok: false, message: error.message, position: error.position, length: error.length };
    throw error;
  }
}
