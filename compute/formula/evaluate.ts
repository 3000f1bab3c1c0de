// A second, independent meaning of a formula: a float64 tree-walking
// evaluator over the AST. It shares no code with tracing or the backends'
// code generation, so tests can hold the compiled graph against it. In
// float32 every node's value is rounded to float32, as the backends do.

import type { DType } from '../core/dtype.js';
import { FUNCTIONS, OPERATORS, scalarFor, type BinaryOperator } from './vocabulary.js';
import type { FormulaAst } from './syntax.js';

const FUNCTION_OF_OPERATOR = Object.fromEntries(
  Object.entries(OPERATORS).map(([op, primitive]) => [op, scalarFor(primitive)]),
) as {
  readonly [op in BinaryOperator]: (a: number, b: number) => number;
};

export function evaluateFormulaScalar(ast: FormulaAst, x: number, y: number, dtype: DType = 'float64'): number {
  if (dtype === 'float64') return evaluate(ast, x, y, (v) => v);
  return evaluate(ast, Math.fround(x), Math.fround(y), Math.fround);
}

function evaluate(ast: FormulaAst, x: number, y: number, round: (v: number) => number): number {
  return round(evaluateNode(ast, x, y, round));
}

function evaluateNode(ast: FormulaAst, x: number, y: number, round: (v: number) => number): number {
  switch (ast.kind) {
    case 'number':
    case 'constant':
      return ast.value;
    case 'variable':
      return ast.name === 'x' ? x : y;
    case 'negate':
      return -evaluate(ast.operand, x, y, round);
    case 'binary': {
      const a = evaluate(ast.left, x, y, round);
      const b = evaluate(ast.right, x, y, round);
      return FUNCTION_OF_OPERATOR[ast.op](a, b);
    }
    case 'call':
      return FUNCTIONS.get(ast.name)!.scalar(...ast.args.map((a) => evaluate(a, x, y, round)));
    default:
      return ast satisfies never;
  }
}
