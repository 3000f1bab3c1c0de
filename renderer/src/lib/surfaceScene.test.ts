import { describe, expect, it } from 'vitest';
import type { SurfaceView } from '../../../main/contract';
import { boxRange, domainOf, fillGridIndex, LIGHT_THEME, sameDrawing, themeFrom, toWorld } from './surfaceScene';

describe('the surface mesh index', () => {
  it('has two triangles per grid cell', () => {
    const m = 4;
    const index = new Uint32Array((m - 1) ** 2 * 6);
    expect(fillGridIndex(index, m, m)).toBe(index.length);
    expect(Array.from(index.slice(0, 6))).toEqual([0, 4, 1, 1, 4, 5]);
    expect(Math.max(...index)).toBe(m * m - 1);
  });

  it('walks a rectangular grid with point (i, j) at i * my + j', () => {
    const [mx, my] = [3, 5];
    const index = new Uint32Array((mx - 1) * (my - 1) * 6);
    expect(fillGridIndex(index, mx, my)).toBe(index.length);
    // The first cell joins (0,0), (1,0), (0,1) and (1,1): points 0, 5, 1 and 6.
    expect(Array.from(index.slice(0, 6))).toEqual([0, 5, 1, 1, 5, 6]);
    expect(Math.max(...index)).toBe(mx * my - 1);
  });

  it('leaves a gap wherever a corner is NaN or infinite', () => {
    const m = 3;
    const values = Float32Array.from([0, 1, 2, 3, NaN, 5, 6, 7, Infinity]);
    const index = new Uint32Array((m - 1) ** 2 * 6);
    // Every cell touches the NaN at the centre: nothing is drawn.
    expect(fillGridIndex(index, m, m, values)).toBe(0);
    values[4] = 4;
    // Only the cell with the infinite corner goes.
    const count = fillGridIndex(index, m, m, values);
    expect(count).toBe(3 * 6);
    expect(Array.from(index.slice(0, count))).not.toContain(8);
  });
});

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

describe('the scene’s theme', () => {
  const style = (variables: Record<string, string>) => ({ getPropertyValue: (name: string) => variables[name] ?? '' }) as unknown as CSSStyleDeclaration;

  it('reads the page’s colour variables, dark ones included', () => {
    const theme = themeFrom(style({ '--panel': ' #1c2027', '--ink': '#e8ebf0', '--ink-soft': '#b3bac5', '--line': '#3a414c', '--accent': '#7aa7ff' }), false);
    expect(theme).toEqual({ background: '#1c2027', ink: '#e8ebf0', inkSoft: '#b3bac5', grid: '#3a414c', accent: '#7aa7ff', labelScale: 1 });
  });

  it('falls back to the light colours where a variable is missing, and enlarges labels in projector mode', () => {
    const theme = themeFrom(style({}), true);
    expect(theme).toEqual({ ...LIGHT_THEME, labelScale: 1.35 });
  });
});

describe('a new view of the same picture', () => {
  const view = (values: number[], source: SurfaceView['source'] = 'preview'): SurfaceView => ({
    nx: 2,
    ny: 2,
    xRange: [-2, 2],
    yRange: [-2, 2],
    dtype: 'float32',
    formula: 'x + y',
    source,
    xs: Float64Array.from([-2, 2]),
    ys: Float64Array.from([-2, 2]),
    values: Float32Array.from(values),
    min: Math.min(...values.filter(Number.isFinite)),
    max: Math.max(...values.filter(Number.isFinite)),
  });

  it('is the same drawing when only the last bits or the source differ', () => {
    expect(sameDrawing(view([-4, 0, 0, 4]), view([-4, 1e-7, 0, 4], 'vmap'))).toBe(true);
    expect(sameDrawing(view([-4, NaN, 0, 4]), view([-4, NaN, 0, 4], 'vmap'))).toBe(true);
  });

  it('is redrawn when a value moves on screen, a point is NaN in one only, or the points differ', () => {
    expect(sameDrawing(view([-4, 0, 0, 4]), view([-4, 0.01, 0, 4]))).toBe(false);
    expect(sameDrawing(view([-4, 0, 0, 4]), view([-4, NaN, 0, 4]))).toBe(false);
    const moved = view([-4, 0, 0, 4]);
    moved.xs = Float64Array.from([-2, 1]);
    expect(sameDrawing(view([-4, 0, 0, 4]), moved)).toBe(false);
  });
});
