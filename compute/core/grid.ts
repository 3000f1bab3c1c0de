// The lab's one grid value: nx × ny points over xRange × yRange, in a dtype,
// z[i, j] = f(x[i], y[j]) as the loop writes it. It goes from the renderer's
// state to the evaluator's geometry; every other grid-shaped type derives
// from it (Pick/Omit/extends) and says why. The square shorthand `n` lives
// only at the edges (the CLI's --n, .vlab.json), turned into a Grid once.

import type { DType } from './dtype.js';

export interface Grid {
  /** Points along x and along y. */
  nx: number;
  ny: number;
  /** The domain of x and of y: what the axes span, both ends included (numpy.linspace). */
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  dtype: DType;
}
