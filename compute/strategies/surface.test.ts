import { describe, expect, it } from 'vitest';
import { FormulaError, compileFormula } from '../formula/index.js';
import { jit } from '../transforms/jit.js';
import type { NDArray } from '../core/ndarray.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import { sampleIndices } from './decimate.js';
import { surfaceOfGrid, surfacePreview, type GridSettings } from './surface.js';

/** The full grid as the vmap strategy computes it. */
function fullGrid(grid: GridSettings): NDArray {
  const [x, y] = gridAxes(grid, grid.dtype);
  try {
    return jit(gridOverAxes(gridFunction(compileFormula(grid.formula))))(x, y) as NDArray;
  } finally {
    x.dispose();
    y.dispose();
  }
}

describe('the surface view', () => {
  it('previews exactly the values the full grid holds at the sampled points, on a rectangular grid over its own domain', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const grid: GridSettings = {
        nx: 701,
        ny: 45,
        xRange: [-3, 1],
        yRange: [0, 2],
        dtype,
        formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
      };
      const preview = surfacePreview(grid);
      const full = fullGrid(grid);
      try {
        const fromGrid = surfaceOfGrid(full, grid, 'vmap');
        expect(preview).toMatchObject({ nx: 701, ny: 45, xRange: [-3, 1], yRange: [0, 2], dtype, source: 'preview' });
        expect(fromGrid.source).toBe('vmap');
        expect([preview.xs.length, preview.ys.length]).toEqual([300, 45]);
        expect(Array.from(preview.xs)).toEqual(Array.from(fromGrid.xs));
        expect(Array.from(preview.ys)).toEqual(Array.from(fromGrid.ys));
        expect(Array.from(preview.values)).toEqual(Array.from(fromGrid.values));
        // And each drawn value is the grid's own at that index.
        const rows = sampleIndices(701);
        for (const [a, b] of [
          [0, 0],
          [299, 44],
          [123, 7],
        ] as const) {
          const k = rows[a]! * full.strides[0]! + b * full.strides[1]! + full.offset;
          expect(preview.values[a * 45 + b]).toBe(Math.fround(full.data[k]!));
        }
        expect([preview.min, preview.max]).toEqual([fromGrid.min, fromGrid.max]);
      } finally {
        full.dispose();
      }
    }
  });

  it('draws a formula in neither x nor y as the same value everywhere', () => {
    const view = surfacePreview({
      nx: 4,
      ny: 3,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float64',
      formula: '2 * pi',
    });
    expect(view.values.length).toBe(12);
    for (const v of view.values) expect(v).toBe(Math.fround(2 * Math.PI));
  });

  it('keeps non-finite values in place and ranges over the finite ones', () => {
    const view = surfacePreview({ nx: 3, ny: 3, xRange: [-1, 1], yRange: [-1, 1], dtype: 'float64', formula: '1 / x' });
    expect(view.values[4]).toBe(Infinity); // x = 0, y = 0: 1 / 0
    expect([view.min, view.max]).toEqual([-1, 1]);
  });

  it('refuses a bad formula with its position, and a result that is not a grid', () => {
    expect(() =>
      surfacePreview({ nx: 10, ny: 10, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float32', formula: 'cos(' }),
    ).toThrow(FormulaError);
    const [x] = gridAxes({ nx: 5, ny: 5, xRange: [-2, 2], yRange: [-2, 2] }, 'float32');
    expect(() =>
      surfaceOfGrid(x, { nx: 5, ny: 5, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float32', formula: 'x' }, 'vmap'),
    ).toThrow(/2-D grid/);
    x.dispose();
  });
});
