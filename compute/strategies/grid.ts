// The lesson's inputs — x and y, n points each over [-2, 2] — and f as a
// function every strategy can trace, even when the formula ignores x and y.

import type { DType } from '../core/dtype.js';
import { linspace } from '../core/creation.js';
import type { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import type { CompiledFormula } from '../formula/index.js';
import { add, mul } from '../ops.js';
import { GRID_RANGE } from './types.js';

export function gridAxis(n: number, dtype: DType): NDArray {
  return linspace(GRID_RANGE[0], GRID_RANGE[1], n, { dtype });
}

/**
 * f(x, y) from the formula. A formula that uses neither variable (a constant
 * surface) still has to produce an array of the inputs' shape; the grid's
 * points are finite, so 0 * (x + y) gives that shape without changing a value.
 */
export function gridFunction(formula: CompiledFormula): (x: Value, y: Value) => Value {
  if (formula.variables.length > 0) return formula.fn;
  return (x, y) => add(formula.fn(x, y), mul(0, add(x, y)));
}
