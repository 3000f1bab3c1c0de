// The lesson's inputs — x (nx points over xRange) and y (ny points over
// yRange), [-2, 2] by default — and f as a function every strategy can
// trace, even when the formula ignores x and y.

import type { DType } from '../core/dtype.js';
import { linspace } from '../core/creation.js';
import type { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import type { CompiledFormula } from '../formula/index.js';
import { add, mul } from '../ops.js';
import { vmap } from '../transforms/vmap.js';
import { GRID_RANGE, type GridSpec } from './types.js';

/** One axis: n points from range[0] to range[1], both included (numpy.linspace). */
export function gridAxis(n: number, dtype: DType, range: readonly [number, number] = GRID_RANGE): NDArray {
  return linspace(range[0], range[1], n, { dtype });
}

/** x and y of a grid, as flat vectors of nx and ny points. */
export function gridAxes(grid: GridSpec, dtype: DType): [NDArray, NDArray] {
  return [gridAxis(grid.nx, dtype, grid.xRange), gridAxis(grid.ny, dtype, grid.yRange)];
}

/** The square n × n grid over the lesson's [-2, 2]². */
export function squareGrid(n: number): GridSpec {
  return { nx: n, ny: n, xRange: GRID_RANGE, yRange: GRID_RANGE };
}

/** A grid given as its side (square, default domain) or in full. */
export function gridSpecOf(grid: number | GridSpec): GridSpec {
  return typeof grid === 'number' ? squareGrid(grid) : grid;
}

/** The grid's size as the lesson prints it: "300 × 200". */
export function gridSizeText(grid: { nx: number; ny: number }): string {
  return `${grid.nx} × ${grid.ny}`;
}

/** The fields a record carries to say which grid it measured (copies: a record never shares a caller's range). */
export function gridFields(grid: GridSpec): GridSpec {
  return {
    nx: grid.nx,
    ny: grid.ny,
    xRange: [grid.xRange[0], grid.xRange[1]],
    yRange: [grid.yRange[0], grid.yRange[1]],
  };
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
 * outer loop), so that flat axes of nx and ny points give the nx × ny grid.
 */
export function gridOverAxes(f: (x: Value, y: Value) => Value): (x: Value, y: Value) => Value {
  return vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] }) as (x: Value, y: Value) => Value;
}
