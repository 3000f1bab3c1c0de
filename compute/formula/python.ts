// A parsed formula written as Python, for the programs that run it under
// NumPy or JAX (the "take it to JAX" export and the Python peer strategies):
// rendered from the formula's AST with each primitive's Python spelling
// (pythonNames.ts), never from the user's text. Text only: nothing here runs Python.

import { FUNCTIONS, OPERATORS } from './vocabulary.js';
import { parseFormula, type FormulaAst } from './syntax.js';
import { pythonFunction } from './pythonNames.js';

/** The module that provides the array functions: jax.numpy or NumPy. */
export type Namespace = 'jnp' | 'np';

// Python's precedence, loosest first: a + b, a * b, -a, a ** b, atoms.
const ADDITIVE = 1;
const MULTIPLICATIVE = 2;
const UNARY = 3;
const POWER = 4;
const ATOM = 5;

/** A number as a Python literal that reads back to the same float64. */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "float('nan')";
  if (value === Infinity) return "float('inf')";
  // JavaScript's shortest round-trip form (0.1, 1e-7, 1e+21) is valid Python and reads back to the same float64.
  return String(value);
}

/** A grid's domain as the generated programs' comments write it: [x0, x1] × [y0, y1]. */
export function pythonDomain(xRange: readonly [number, number], yRange: readonly [number, number]): string {
  const interval = ([a, b]: readonly [number, number]) => `[${pythonNumber(a)}, ${pythonNumber(b)}]`;
  return `${interval(xRange)} × ${interval(yRange)}`;
}

function render(ast: FormulaAst, ns: Namespace): { text: string; precedence: number } {
  switch (ast.kind) {
    case 'number':
      return { text: pythonNumber(ast.value), precedence: ATOM };
    case 'variable':
      return { text: ast.name, precedence: ATOM };
    case 'constant':
      if (ast.name === 'pi' || ast.name === 'e') return { text: `${ns}.${ast.name}`, precedence: ATOM };
      return { text: pythonNumber(ast.value), precedence: ATOM };
    case 'negate':
      return { text: `-${wrap(ast.operand, ns, UNARY)}`, precedence: UNARY };
    case 'binary': {
      if (ast.op === '^') {
        // ** is right-associative and binds tighter than a unary minus on its left: (-x)**2 needs its parentheses,
        // 2**-x does not.
        return { text: `${wrap(ast.left, ns, ATOM)}**${wrap(ast.right, ns, UNARY)}`, precedence: POWER };
      }
      if (ast.op === '%') {
        // A call, not Python's %: on two constants Python's % would raise ZeroDivisionError where NumPy gives NaN.
        return {
          text: `${pythonFunction(OPERATORS['%'], ns)}(${render(ast.left, ns).text}, ${render(ast.right, ns).text})`,
          precedence: ATOM,
        };
      }
      const precedence = ast.op === '+' || ast.op === '-' ? ADDITIVE : MULTIPLICATIVE;
      // Left-associative: the right operand of a - (b - c) or a / (b * c) keeps its parentheses.
      return { text: `${wrap(ast.left, ns, precedence)} ${ast.op} ${wrap(ast.right, ns, precedence + 1)}`, precedence };
    }
    case 'call': {
      const fn = FUNCTIONS.get(ast.name);
      if (!fn) throw new Error(`no Python rendering for the function '${ast.name}'`);
      return {
        text: `${pythonFunction(fn.primitive, ns)}(${ast.args.map((a) => render(a, ns).text).join(', ')})`,
        precedence: ATOM,
      };
    }
    default:
      return ast satisfies never;
  }
}

function wrap(ast: FormulaAst, ns: Namespace, atLeast: number): string {
  const { text, precedence } = render(ast, ns);
  return precedence >= atLeast ? text : `(${text})`;
}

/** A formula as a Python expression in x and y over jax.numpy (or NumPy). Throws FormulaError for bad text. */
export function pythonExpression(formula: string, ns: Namespace = 'jnp'): string {
  return render(parseFormula(formula), ns).text;
}

function usesVariables(ast: FormulaAst): boolean {
  switch (ast.kind) {
    case 'variable':
      return true;
    case 'number':
    case 'constant':
      return false;
    case 'negate':
      return usesVariables(ast.operand);
    case 'binary':
      return usesVariables(ast.left) || usesVariables(ast.right);
    case 'call':
      return ast.args.some(usesVariables);
    default:
      return ast satisfies never;
  }
}

/**
 * `def f(x, y): ...` for a formula, rendered from its AST. The one Python
 * rendering of a formula: the exports and the Python peers (compute/peers/) use it.
 */
export function pythonDefinition(formula: string, ns: Namespace): string {
  const ast = parseFormula(formula);
  const body = render(ast, ns).text;
  if (usesVariables(ast)) return `def f(x, y):\n    return ${body}\n`;
  // As in the lab's engine: a constant surface still needs the inputs' shape, and 0 * (x + y) gives it without changing
  // a value.
  return (
    `def f(x, y):\n    # The formula uses neither x nor y; 0 * (x + y) gives the result the inputs' shape.\n  ` +
    `  return ${body} + 0 * (x + y)\n`
  );
}
