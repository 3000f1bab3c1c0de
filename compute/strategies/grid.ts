// The lesson's inputs — x and y, n points each over [-2, 2] — and f as a
// function every strategy can trace, even when the formula ignores x and y.

import type { DType } from '../core/dtype.js';
import { linspace } from '../core/creation.js';
import type { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import type { CompiledFormula } from '../formula/index.js';
import { add, mul } from '../ops.js';
import { vmap } from '../transforms/vmap.js';
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

/**
 * The lesson's nested vmap: f over y (the inner loop), then over x (the
 * outer loop), so that two flat axes of n points give the n×n grid.
 */
export function gridOverAxes(f: (x: Value, y: Value) => Value): (x: Value, y: Value) => Value {
  return vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] }) as (x: Value, y: Value) => Value;
}
