// Checks a strategy's result against a float64 evaluation of the same formula
// at the same grid points (the points as the strategy's dtype holds them, so
// the error measures the computation, not the rounding of the inputs). The
// reference is made a block of rows at a time, at most 1 MiB (a call per row paid
// the call's overhead nx times and warmed up slower), never a second nx × ny buffer.

import type { DType, FloatArray } from '../core/dtype.js';
import { absDiff, isclose } from '../core/allclose.js';
import type { NDArray } from '../core/ndarray.js';
import { throwIfCancelled } from '../backends/backend.js';
import { yieldToEventLoop } from '../backends/js.js';
import { jit } from '../transforms/jit.js';
import { evaluateFormulaScalar, type CompiledFormula } from '../formula/index.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
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

/** Reference elements per block (1 MiB of float64). */
const BLOCK_ELEMENTS = (1 << 20) / 8;
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

function nonFiniteKind(value: number): keyof NonFiniteCounts | null {
  if (value === Infinity) return 'posInf';
  if (value === -Infinity) return 'negInf';
  return value !== value ? 'nan' : null;
}

/**
 * The per-element verdicts, every case handled. The hot loop (`compareRows`)
 * settles the common element inline and hands every other one to `exact`.
 */
class Comparison {
  maxAbsErr = 0;
  close = true;
  readonly nonFinite: NonFiniteCounts = { nan: 0, posInf: 0, negInf: 0 };
  nonFiniteMatch = true;
  readonly rtol: number;
  readonly atol: number;
  /**
   * Below this |expected| the reference, rounded to the result's dtype, is
   * finite: an expected beyond it (or NaN, or Inf) never takes the fast path,
   * so a float32 value whose float64 reference overflows float32 is still judged.
   */
  readonly finiteLimit: number;

  constructor(
    private readonly dtype: DType,
    /** The kind a float32 evaluation of the formula gives at grid point (i, j). */
    private readonly float32Kind: (i: number, j: number) => keyof NonFiniteCounts | null,
  ) {
    ({ rtol: this.rtol, atol: this.atol } = TOLERANCES[dtype]);
    this.finiteLimit = dtype === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  }

  /** One element, every case: NaN, infinities, a reference that overflows the dtype, a value out of tolerance. */
  exact(value: number, expected: number, i: number, j: number): void {
    this.maxAbsErr = Math.max(this.maxAbsErr, absDiff(value, expected));
    if (this.close && !isclose(value, expected, { rtol: this.rtol, atol: this.atol })) this.close = false;
    const kind = nonFiniteKind(value);
    if (kind) this.nonFinite[kind]++;
    const rounded = this.dtype === 'float32' ? Math.fround(expected) : expected;
    // Where a float32 intermediate overflows (exp(400) - exp(400) is Inf - Inf),
    // float32 and float64 disagree on purpose: ask a float32 evaluation, point by point.
    if (kind !== nonFiniteKind(rounded) && this.nonFiniteMatch)
      this.nonFiniteMatch = this.dtype === 'float32' && kind === this.float32Kind(i, j);
  }
}

/**
 * Compares rows [i0, i0 + rows) of the result (row i at data[offset + i*s0 + j*s1])
 * with the reference block `expected` (row-major, ny per row). An element whose
 * expected is finite in the dtype and whose value is within tolerance is finite,
 * close and matches on kind: only its error counts, inline. (NaN fails both
 * compares, an infinite expected fails the first.) Every other element goes to
 * `exact`, so the verdicts are those of `exact` on every element.
 */
function compareRows(
  c: Comparison,
  data: FloatArray,
  [offset, s0, s1]: readonly [number, number, number],
  expected: Float64Array,
  i0: number,
  rows: number,
  ny: number,
): void {
  const { rtol, atol, finiteLimit } = c;
  let maxAbsErr = c.maxAbsErr;
  for (let r = 0; r < rows; r++) {
    const base = offset + (i0 + r) * s0;
    const row = r * ny;
    for (let j = 0; j < ny; j++) {
      const value = data[base + j * s1]!;
      const wanted = expected[row + j]!;
      const size = Math.abs(wanted);
      const diff = Math.abs(value - wanted);
      // Math.max, not a branch on diff: V8 optimizes this loop sooner (measured), and diff is never NaN here.
      if (size <= finiteLimit && diff <= atol + rtol * size) maxAbsErr = Math.max(maxAbsErr, diff);
      else {
        c.maxAbsErr = maxAbsErr;
        c.exact(value, wanted, i0 + r, j);
        maxAbsErr = c.maxAbsErr;
      }
    }
  }
  c.maxAbsErr = maxAbsErr;
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
  const { nx, ny } = grid;
  const [x, y] = gridAxes(grid, dtype).map((axis) => {
    const wide = axis.astype('float64');
    if (wide !== axis) axis.dispose();
    return wide;
  }) as [NDArray, NDArray];
  const c = new Comparison(result.dtype, (i, j) =>
    nonFiniteKind(evaluateFormulaScalar(formula.ast, x.data[i]!, y.data[j]!, 'float32')),
  );
  const verdict = () => ({ maxAbsErr: c.maxAbsErr, nonFinite: c.nonFinite, nonFiniteMatch: c.nonFiniteMatch });
  try {
    if (result.ndim === 1) {
      const diagonal = jit(f)(x, y) as NDArray;
      for (let i = 0; i < result.shape[0]!; i++)
        c.exact(result.data[result.offset + i * result.strides[0]!]!, diagonal.data[i]!, i, i);
      diagonal.dispose();
      return { ...verdict(), allclose: false, shapeMatches: false };
    }
    const block = jit(gridOverAxes(f));
    const layout = [result.offset, result.strides[0]!, result.strides[1]!] as const;
    const blockRows = Math.max(1, Math.floor(BLOCK_ELEMENTS / ny));
    let lastYield = performance.now();
    for (let i = 0; i < nx; i += blockRows) {
      const rows = Math.min(blockRows, nx - i);
      const xs = x.slice(i, i + rows);
      const expected = block(xs, y) as NDArray;
      compareRows(c, result.data, layout, expected.data as Float64Array, i, rows, ny);
      expected.dispose();
      xs.dispose();
      if (performance.now() - lastYield > 30) {
        options.onProgress?.((i + rows) / nx);
        await yieldToEventLoop();
        throwIfCancelled(options.signal);
        lastYield = performance.now();
      }
    }
    return { ...verdict(), allclose: c.close, shapeMatches: true };
  } finally {
    x.dispose();
    y.dispose();
  }
}
