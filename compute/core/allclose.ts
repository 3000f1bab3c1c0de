// Comparisons with NumPy's semantics: |a - b| <= atol + rtol * |b|, elementwise
// over broadcast shapes; NaN equals NaN only with equalNan; infinities must
// match in sign. Also the largest absolute difference, used by every record.

import type { NDArray } from './ndarray.js';
import { broadcastShapes, sameShape } from './shape.js';

export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

export function isclose(
  a: number,
  b: number,
  { rtol = 1e-5, atol = 1e-8, equalNan = false }: AllcloseOptions = {},
): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return equalNan && Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true; // covers equal infinities
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** numpy.allclose: shapes must broadcast; every pair must be close. */
export function allclose(a: NDArray, b: NDArray, options: AllcloseOptions = {}): boolean {
  const shape = broadcastShapes(a.shape, b.shape);
  const av = a.broadcastTo(shape);
  const bv = b.broadcastTo(shape);
  try {
    const aValues = av.toTypedArray();
    const bValues = bv.toTypedArray();
    for (let i = 0; i < aValues.length; i++) if (!isclose(aValues[i]!, bValues[i]!, options)) return false;
    return true;
  } finally {
    av.dispose();
    bv.dispose();
  }
}

/**
 * The largest |a - b| over two arrays of the same shape. Where both are the same
 * non-finite value (NaN and NaN, or the same infinity) the difference is 0;
 * where only one is non-finite it is Infinity, so a misplaced NaN is never hidden.
 */
export function maxAbsDiff(a: NDArray, b: NDArray): number {
  if (!sameShape(a.shape, b.shape)) throw new Error('maxAbsDiff needs arrays of the same shape');
  const aValues = a.toTypedArray();
  const bValues = b.toTypedArray();
  let worst = 0;
  for (let i = 0; i < aValues.length; i++) worst = Math.max(worst, absDiff(aValues[i]!, bValues[i]!));
  return worst;
}

export function absDiff(a: number, b: number): number {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const d = Math.abs(a - b);
  return Number.isNaN(d) ? Infinity : d;
}
