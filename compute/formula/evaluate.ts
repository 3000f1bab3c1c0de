// A second, independent meaning of a formula: a float64 tree-walking
// evaluator over the AST. It shares no code with tracing or the backends'
// code generation, so tests can hold the compiled graph against it.

import { scalarSemantics } from '../core/primitives.js';
import { FUNCTIONS } from './vocabulary.js';
import type { FormulaAst } from './syntax.js';

const none = {} as Record<string, never>;

export function evaluateFormulaScalar(ast: FormulaAst, x: number, y: number): number {
  switch (ast.kind) {
    case 'number':
    case 'constant':
      return ast.value;
    case 'variable':
      return ast.name === 'x' ? x : y;
    case 'negate':
      return -evaluateFormulaScalar(ast.operand, x, y);
    case 'binary': {
      const a = evaluateFormulaScalar(ast.left, x, y);
      const b = evaluateFormulaScalar(ast.right, x, y);
      switch (ast.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '^':
          return scalarSemantics.pow(a, b, none);
        default:
          return ast.op satisfies never;
      }
    }
    case 'call':
      return FUNCTIONS.get(ast.name)!.scalar(...ast.args.map((a) => evaluateFormulaScalar(a, x, y)));
    default:
      return ast satisfies never;
  }
}
