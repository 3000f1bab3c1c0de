// The run's output: the grid (as the lesson began) or a number from it —
// max, min, sum or mean. A number keeps no grid, so its sides may reach
// the app's answer limit (time, not memory, bounds them); a grid keeps to
// the grid's. Pure functions over AppInfo's limits: no state, no shell.

import type { GridLimits } from '../../../compute/limits';
import type { GridSettings, ReduceMode } from '../../../main/contract';

/** The selector's choices, in its order, with the words each is shown with. */
export const OUTPUT_CHOICES: readonly { mode: ReduceMode; label: string; title: string }[] = [
  { mode: 'grid', label: 'Grid', title: 'the whole grid z[i, j] = f(x[i], y[j]), drawn as the surface' },
  { mode: 'max', label: 'max', title: 'the largest f on the grid, and where it is (jnp.max, jnp.argmax)' },
  { mode: 'min', label: 'min', title: 'the smallest f on the grid, and where it is (jnp.min, jnp.argmin)' },
  { mode: 'sum', label: 'sum', title: 'the sum of f over the grid (jnp.sum)' },
  { mode: 'mean', label: 'mean', title: 'the mean of f over the grid; × the area, ≈ ∫∫ f dx dy (jnp.mean)' },
];

/** Whether the output is a number (no grid is kept). */
export function isNumberOutput(reduce: ReduceMode | undefined): reduce is Exclude<ReduceMode, 'grid'> {
  return reduce !== undefined && reduce !== 'grid';
}

/** The largest side (nx or ny) the app takes for this output. */
export function sideMaxOf(limits: Pick<GridLimits, 'nMax' | 'answerNMax'>, reduce: ReduceMode): number {
  return isNumberOutput(reduce) ? limits.answerNMax : limits.nMax;
}

/** The grid-size slider's ends for this output: a number's reach the answer limit. */
export function sliderRangeOf(
  limits: Pick<GridLimits, 'sliderMin' | 'sliderMax' | 'answerNMax'>,
  reduce: ReduceMode,
): { sliderMin: number; sliderMax: number } {
  return { sliderMin: limits.sliderMin, sliderMax: isNumberOutput(reduce) ? limits.answerNMax : limits.sliderMax };
}

/**
 * The grid the surface preview is asked for: the surface is a sampled view
 * either way, and the preview (which samples a grid) keeps to the grid's
 * limit, so a larger answer grid is previewed at that limit over the same domain.
 */
export function previewGridOf<G extends GridSettings>(grid: G, nMax: number): G {
  if (grid.nx <= nMax && grid.ny <= nMax) return grid;
  return { ...grid, nx: Math.min(grid.nx, nMax), ny: Math.min(grid.ny, nMax) };
}
