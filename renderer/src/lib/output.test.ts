import { describe, expect, it } from 'vitest';
import type { GridSettings } from '../../../main/contract';
import { isNumberOutput, previewGridOf, sideMaxOf, sliderRangeOf } from './output';

const limits = { nMax: 20_000, answerNMax: 100_000, sliderMin: 10, sliderMax: 20_000 };
const grid = (nx: number, ny: number): GridSettings => ({
  nx,
  ny,
  xRange: [-2, 2],
  yRange: [-1, 3],
  dtype: 'float32',
  formula: 'x',
});

describe('the output', () => {
  it('is a number for max, min, sum and mean, and not for the grid', () => {
    expect(['max', 'min', 'sum', 'mean'].every((m) => isNumberOutput(m as 'max'))).toBe(true);
    expect(isNumberOutput('grid')).toBe(false);
    expect(isNumberOutput(undefined)).toBe(false);
  });

  it('lets a number reach the answer limit per side, and keeps a grid to the grid limit', () => {
    expect(sideMaxOf(limits, 'max')).toBe(100_000);
    expect(sideMaxOf(limits, 'grid')).toBe(20_000);
    expect(sliderRangeOf(limits, 'mean')).toEqual({ sliderMin: 10, sliderMax: 100_000 });
    expect(sliderRangeOf(limits, 'grid')).toEqual({ sliderMin: 10, sliderMax: 20_000 });
  });

  it('previews a grid beyond the grid limit at that limit, over the same domain', () => {
    expect(previewGridOf(grid(100_000, 300), 20_000)).toEqual(grid(20_000, 300));
    const small = grid(500, 400);
    expect(previewGridOf(small, 20_000)).toBe(small);
  });
});
