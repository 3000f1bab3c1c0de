import { describe, expect, it } from 'vitest';
import type { SurfaceView } from '../../../main/contract';
import { sameDrawing } from './surfaceView';

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
