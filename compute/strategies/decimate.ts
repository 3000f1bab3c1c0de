// What the renderer draws of a grid: at most MAX_SURFACE_SIDE points per side,
// taken at evenly spaced indices of the full grid (so every drawn point is a
// real grid point with its exact value). The full grid never leaves the engine.
// Pure functions over plain arrays: no engine state, no allocation per element
// beyond the view itself. A leaf module (no imports): the renderer imports it.

export const MAX_SURFACE_SIDE = 300;

/** The full-grid index of the k-th of m points sampled from n (the renderer's hover readout names it). */
export function sampleIndex(n: number, m: number, k: number): number {
  return m >= n || m === 1 ? k : Math.round((k * (n - 1)) / (m - 1));
}

/** m indices from 0 to n-1, evenly spaced, first and last included; all of them when n ≤ max. */
export function sampleIndices(n: number, max = MAX_SURFACE_SIDE): Int32Array {
  const m = Math.min(n, max);
  const indices = new Int32Array(m);
  for (let k = 0; k < m; k++) indices[k] = sampleIndex(n, m, k);
  return indices;
}

/** The grid's axis values as the engine computes them: linspace in float64, rounded to the dtype. */
export function axisValues(
  n: number,
  range: readonly [number, number],
  dtype: 'float32' | 'float64',
  indices: Int32Array,
): Float64Array {
  const [start, stop] = range;
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out[k] = round(n > 1 && i === n - 1 ? stop : start + i * step);
  }
  return out;
}

/** Picks values[i, j] at the sampled rows and columns of a strided 2-D view. */
export function decimate(
  data: ArrayLike<number>,
  offset: number,
  strides: readonly [number, number],
  rows: Int32Array,
  cols: Int32Array,
): Float32Array {
  const out = new Float32Array(rows.length * cols.length);
  const [s0, s1] = strides;
  let k = 0;
  for (let a = 0; a < rows.length; a++) {
    const base = offset + rows[a]! * s0;
    for (let b = 0; b < cols.length; b++) out[k++] = data[base + cols[b]! * s1]!;
  }
  return out;
}

/** The smallest and largest finite values; both 0 when there are none. */
export function finiteRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}
