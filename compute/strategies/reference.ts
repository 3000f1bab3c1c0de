// Checks a strategy's result against a float64 evaluation of the same formula
// at the same grid points (the points as the strategy's dtype holds them, so
// the error measures the computation, not the rounding of the inputs). The
// reference is made one row at a time: it never needs a second nx × ny buffer.

import type { DType } from '../core/dtype.js';
import { absDiff, isclose } from '../core/allclose.js';
import type { NDArray } from '../core/ndarray.js';
import { throwIfCancelled } from '../backends/backend.js';
import { yieldToEventLoop } from '../backends/js.js';
import { jit } from '../transforms/jit.js';
import { vmap } from '../transforms/vmap.js';
import { evaluateFormulaScalar, type CompiledFormula } from '../formula/index.js';
import { gridAxes, gridFunction } from './grid.js';
import type { GridSpec } from './types.js';

/** allclose tolerances per dtype: NumPy's defaults, with an atol that float32 can meet near zero. */
export const TOLERANCES: Record<DType, { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-5, atol: 1e-8 },
};

export interface NonFiniteCounts {
  nan: number;
  posInf: number;
  negInf: number;
}

export interface ReferenceCheck {
  maxAbsErr: number;
  allclose: boolean;
  /** Non-finite values in the result, by kind. */
  nonFinite: NonFiniteCounts;
  /**
   * Whether NaN, +Inf and -Inf sit exactly where the reference (rounded to the
   * result's dtype, so a float32 overflow counts as Inf) has them.
   */
  nonFiniteMatch: boolean;
  /** False when the result does not have the grid's shape (the naive strategy). */
  shapeMatches: boolean;
}

function nonFiniteKind(value: number): keyof NonFiniteCounts | null {
  if (value === Infinity) return 'posInf';
  if (value === -Infinity) return 'negInf';
  return value !== value ? 'nan' : null;
}

/**
 * Compares `result` with f evaluated in float64. A result of shape (nx, ny) is
 * compared with the grid z[i, j] = f(x[i], y[j]); a result of shape (n,) (a
 * square grid's naive step) with the diagonal f(x[i], y[i]) — what it actually
 * computed — and is never allclose.
 */
export async function checkAgainstReference(
  result: NDArray,
  formula: CompiledFormula,
  grid: GridSpec,
  dtype: DType,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<ReferenceCheck> {
  const f = gridFunction(formula);
  const tolerance = TOLERANCES[result.dtype];
  const { nx, ny } = grid;
  const [x, y] = gridAxes(grid, dtype).map((axis) => {
    const wide = axis.astype('float64');
    if (wide !== axis) axis.dispose();
    return wide;
  }) as [NDArray, NDArray];
  const data = result.data;
  let maxAbsErr = 0;
  let close = true;
  const nonFinite: NonFiniteCounts = { nan: 0, posInf: 0, negInf: 0 };
  let nonFiniteMatch = true;
  const round = result.dtype === 'float32' ? Math.fround : (v: number) => v;
  const compare = (value: number, expected: number, i: number, j: number) => {
    maxAbsErr = Math.max(maxAbsErr, absDiff(value, expected));
    if (close && !isclose(value, expected, tolerance)) close = false;
    const kind = nonFiniteKind(value);
    if (kind) nonFinite[kind]++;
    if (kind !== nonFiniteKind(round(expected)) && nonFiniteMatch) nonFiniteMatch = kind === float32Kind(i, j);
  };
  // Where a float32 intermediate overflows (exp(400) - exp(400) is Inf - Inf),
  // float32 and float64 disagree on purpose: ask a float32 evaluation, point by point.
  const float32Kind = (i: number, j: number) =>
    result.dtype === 'float32'
      ? nonFiniteKind(evaluateFormulaScalar(formula.ast, x.data[i]!, y.data[j]!, 'float32'))
      : undefined;
  try {
    if (result.ndim === 1) {
      const diagonal = jit(f)(x, y) as NDArray;
      for (let i = 0; i < result.shape[0]!; i++)
        compare(data[result.offset + i * result.strides[0]!]!, diagonal.data[i]!, i, i);
      diagonal.dispose();
      return { maxAbsErr, allclose: false, shapeMatches: false, nonFinite, nonFiniteMatch };
    }
    const row = jit(vmap(f, { inAxes: [null, 0] }));
    const [s0, s1] = result.strides as [number, number];
    let lastYield = performance.now();
    for (let i = 0; i < nx; i++) {
      const xi = x.index(i);
      const expected = row(xi, y) as NDArray;
      const values = expected.data;
      const base = result.offset + i * s0;
      for (let j = 0; j < ny; j++) compare(data[base + j * s1]!, values[j]!, i, j);
      expected.dispose();
      xi.dispose();
      if (performance.now() - lastYield > 30) {
        options.onProgress?.((i + 1) / nx);
        await yieldToEventLoop();
        throwIfCancelled(options.signal);
        lastYield = performance.now();
      }
    }
    return { maxAbsErr, allclose: close, shapeMatches: true, nonFinite, nonFiniteMatch };
  } finally {
    x.dispose();
    y.dispose();
  }
}
