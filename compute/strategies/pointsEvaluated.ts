// How many points of an nx × ny grid a strategy evaluates f at: every one,
// except naive, which applies f to the flat vectors x and y and so computes
// only the diagonal f(x[i], y[i]) — min(nx, ny) points, whatever the output
// (the grid, or a number from it). The roofline's rates and the app's time
// predictions both count work in these points, so they agree. A leaf module
// (no imports but types): the renderer imports it.

import type { StrategyName } from './types.js';

/** The points at which `strategy` evaluates f on an nx × ny grid ('limit', the write floor, writes them all). */
export function pointsEvaluated(strategy: StrategyName | 'limit', grid: { nx: number; ny: number }): number {
  return strategy === 'naive' ? Math.min(grid.nx, grid.ny) : grid.nx * grid.ny;
}
