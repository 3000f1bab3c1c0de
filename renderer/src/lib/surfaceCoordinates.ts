// The box's coordinates, which the surface, its lines and the box's grid all
// share: x and y of the grid map onto world [-1, 1] (world z is -y), and f
// onto a height from the box's floor (0) to its top (1), which the plot's
// group then scales to the box's height. Pure arithmetic: no three.js here.

/** Height of the box in world units at z-scale 1; x and y span [-1, 1]. */
export const HEIGHT = 1;
/** Room below the surface's lowest point, as a fraction of f's range: the floor's contours show under its edges. */
const FLOOR_GAP = 0.3;
/** And above its highest point, so the top tick is not the box's lid. */
const TOP_GAP = 0.04;

/** The f range the box spans: f's range with room below (for the floor's contours) and a little above. */
export function boxRange(min: number, max: number): [number, number] {
  if (!(max > min)) return [min - 1, max + 1];
  const span = max - min;
  return [min - FLOOR_GAP * span, max + TOP_GAP * span];
}

/** A value's place along [lo, hi] as world coordinates in [-1, 1] (0 for a flat range). */
export function toWorld(value: number, lo: number, hi: number): number {
  return hi !== lo ? ((value - lo) / (hi - lo)) * 2 - 1 : 0;
}

/**
 * Where a point (x, y, f) of the grid sits in the plot's coordinates: x and y
 * over the domain in [-1, 1] (world z is -y), f as the surface's height over
 * the box's range of the view's f. A value beyond the drawn view's range (a
 * run's exact max above the sampled surface) sits just beyond it.
 */
export function plotPoint(
  point: { x: number; y: number; f: number },
  range: { min: number; max: number },
  domain: { x0: number; x1: number; y0: number; y1: number },
): [number, number, number] {
  const [lo, hi] = boxRange(range.min, range.max);
  return [toWorld(point.x, domain.x0, domain.x1), (point.f - lo) / (hi - lo), -toWorld(point.y, domain.y0, domain.y1)];
}
