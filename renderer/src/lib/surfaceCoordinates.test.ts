import { describe, expect, it } from 'vitest';
import type { SurfaceView } from '../../../main/contract';
import { boxRange, plotPoint, toWorld } from './surfaceCoordinates';
import { domainOf } from './surfaceView';

describe('the box', () => {
  it('spans the grid’s own x and y ranges, whatever they are', () => {
    const view = { xs: Float64Array.from([-3, -1, 1]), ys: Float64Array.from([0, 2]) } as unknown as SurfaceView;
    expect(domainOf(view)).toEqual({ x0: -3, x1: 1, y0: 0, y1: 2 });
    expect(toWorld(-3, -3, 1)).toBe(-1);
    expect(toWorld(1, -3, 1)).toBe(1);
    expect(toWorld(-1, -3, 1)).toBe(0);
    expect(toWorld(5, 5, 5)).toBe(0);
  });

  it('leaves room below f for the floor’s contours and a little above, so the top tick is not the lid', () => {
    const [lo, hi] = boxRange(-0.25, 1);
    expect(lo).toBeCloseTo(-0.25 - 0.3 * 1.25, 12);
    expect(hi).toBeCloseTo(1 + 0.04 * 1.25, 12);
    expect(boxRange(2, 2)).toEqual([1, 3]);
  });
});

describe('a point of the grid in the plot', () => {
  it('sits over its x and y in the domain, at its height in the box over the view’s f range', () => {
    const domain = { x0: -2, x1: 2, y0: 0, y1: 4 };
    const [x, h, z] = plotPoint({ x: 1, y: 1, f: 1 }, { min: -0.25, max: 1 }, domain);
    expect(x).toBe(0.5);
    expect(z).toBe(0.5);
    const [lo, hi] = boxRange(-0.25, 1);
    expect(h).toBeCloseTo((1 - lo) / (hi - lo), 12);
    expect(plotPoint({ x: -2, y: 4, f: -0.25 }, { min: -0.25, max: 1 }, domain)).toEqual([
      -1,
      (-0.25 - lo) / (hi - lo),
      -1,
    ]);
  });
});
