// What the surface scene is given: a decimated view of the grid (main's
// SurfaceView) over the grid's domain, and whether a new view draws the same
// picture as the one shown (so it need not be redrawn). Plain data and pure
// functions: no three.js here.

import type { SurfaceView } from '../../../main/contract';

/** The grid's x and y ranges: the axes' extent. */
export interface SurfaceDomain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The grid's domain, as the view says it (its axis values span it, first and last points included). */
export function domainOf(view: SurfaceView): SurfaceDomain {
  if (view.xRange && view.yRange)
    return { x0: view.xRange[0], x1: view.xRange[1], y0: view.yRange[0], y1: view.yRange[1] };
  return {
    x0: view.xs[0] ?? -1,
    x1: view.xs[view.xs.length - 1] ?? 1,
    y0: view.ys[0] ?? -1,
    y1: view.ys[view.ys.length - 1] ?? 1,
  };
}

/**
 * Whether two views draw the same surface: the same points, and values (and
 * their range) equal to a millionth of that range — a float32 run's grid and
 * the preview computed at its points differ in the last bits, not on screen.
 */
export function sameDrawing(a: SurfaceView, b: SurfaceView): boolean {
  if (a.xs.length !== b.xs.length || a.ys.length !== b.ys.length || a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.xs.length; i++) if (a.xs[i] !== b.xs[i]) return false;
  for (let j = 0; j < a.ys.length; j++) if (a.ys[j] !== b.ys[j]) return false;
  const tolerance = 1e-6 * Math.max(Math.abs(a.max - a.min), Number.MIN_VALUE);
  if (!(Math.abs(a.min - b.min) <= tolerance && Math.abs(a.max - b.max) <= tolerance)) return false;
  for (let k = 0; k < a.values.length; k++) {
    const x = a.values[k]!;
    const y = b.values[k]!;
    if (x === y) continue;
    // NaN against NaN, or a value against a value within the tolerance; anything else redraws.
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!(Math.abs(x - y) <= tolerance)) return false;
  }
  return true;
}

export function sameDomain(a: SurfaceDomain, b: SurfaceDomain): boolean {
  return a.x0 === b.x0 && a.x1 === b.x1 && a.y0 === b.y0 && a.y1 === b.y1;
}
