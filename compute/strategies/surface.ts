// The surface the renderer draws: a decimated view of an nx × ny grid (at
// most MAX_SURFACE_SIDE points per side, see decimate.ts), either picked from
// a strategy's full grid or, for the preview, f evaluated at the sampled
// points only — through the lesson's one nested vmap (gridOverAxes), so the
// preview's values are the ones a run computes there. Never computes the full
// grid for a preview, and never evaluates f outside the engine.

import { NDArray } from '../core/ndarray.js';
import { compileFormula } from '../formula/index.js';
import { jit, type JittedFunction } from '../transforms/jit.js';
import { axisValues, decimate, finiteRange, sampleIndices } from './decimate.js';
import { gridFunction, gridOverAxes } from './grid.js';
import type { GridSettings, StrategyName } from './types.js';

export type { GridSettings };

/** A decimated view of an nx × ny grid: values[i * ys.length + j] = f(xs[i], ys[j]). */
export interface SurfaceView extends GridSettings {
  /** Where the values came from: a strategy's result, or a preview computed at the sampled points. */
  source: StrategyName | 'preview';
  xs: Float64Array;
  ys: Float64Array;
  values: Float32Array;
  /** Of the finite values; NaN and ±Infinity are drawn flat at the floor. */
  min: number;
  max: number;
}

/**
 * The surface's sampled points along each axis: indices into the grid and their values, as the engine computes them.
 */
function sampledAxes(grid: GridSettings): { rows: Int32Array; cols: Int32Array; xs: Float64Array; ys: Float64Array } {
  const rows = sampleIndices(grid.nx);
  const cols = sampleIndices(grid.ny);
  return {
    rows,
    cols,
    xs: axisValues(grid.nx, grid.xRange, grid.dtype, rows),
    ys: axisValues(grid.ny, grid.yRange, grid.dtype, cols),
  };
}

function viewFields(
  grid: GridSettings,
  formula: string,
  source: SurfaceView['source'],
  xs: Float64Array,
  ys: Float64Array,
  values: Float32Array,
): SurfaceView {
  return {
    nx: grid.nx,
    ny: grid.ny,
    xRange: [grid.xRange[0], grid.xRange[1]],
    yRange: [grid.yRange[0], grid.yRange[1]],
    dtype: grid.dtype,
    formula,
    source,
    xs,
    ys,
    values,
    ...finiteRange(values),
  };
}

/** The view of a strategy's full nx × ny result: its values at the sampled rows and columns. */
export function surfaceOfGrid(result: NDArray, grid: GridSettings, source: StrategyName): SurfaceView {
  if (result.ndim !== 2)
    throw new TypeError(`a surface is drawn from a 2-D grid, not one of shape (${result.shape.join(', ')})`);
  const { rows, cols, xs, ys } = sampledAxes(grid);
  const values = decimate(result.data, result.offset, result.strides as [number, number], rows, cols);
  return viewFields(grid, grid.formula, source, xs, ys, values);
}

/** Compiled previews by formula text: a user dragging the slider asks for the same f many times. */
const previewFunctions = new Map<string, JittedFunction>();
const MAX_PREVIEW_FUNCTIONS = 16;

function previewFunction(formula: ReturnType<typeof compileFormula>): JittedFunction {
  let fn = previewFunctions.get(formula.text);
  if (!fn) {
    fn = jit(gridOverAxes(gridFunction(formula)));
    if (previewFunctions.size >= MAX_PREVIEW_FUNCTIONS) previewFunctions.clear();
    previewFunctions.set(formula.text, fn);
  }
  return fn;
}

/**
 * f at the sampled points of the nx × ny grid only: the surface before (or without) a run. Throws FormulaError for a
 * bad formula.
 */
export function surfacePreview(grid: GridSettings): SurfaceView {
  const formula = compileFormula(grid.formula);
  const fn = previewFunction(formula);
  const { xs: xAxis, ys: yAxis } = sampledAxes(grid);
  const xs = NDArray.from(xAxis, grid.dtype);
  const ys = NDArray.from(yAxis, grid.dtype);
  try {
    const result = fn(xs, ys) as NDArray;
    try {
      // The sampled axes are the whole of this small grid: every point is drawn.
      const values = decimate(
        result.data,
        result.offset,
        result.strides as [number, number],
        everyIndex(xAxis.length),
        everyIndex(yAxis.length),
      );
      return viewFields(grid, formula.text, 'preview', xAxis, yAxis, values);
    } finally {
      result.dispose();
    }
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

function everyIndex(m: number): Int32Array {
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = k;
  return out;
}
