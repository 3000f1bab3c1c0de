import { describe, expect, it } from 'vitest';
import { axisValues, decimate, finiteRange, MAX_SURFACE_SIDE, sampleIndices } from './decimate.js';
import { linspace } from '../core/creation.js';

describe('sampleIndices', () => {
  it('takes every index of a small grid', () => {
    expect(Array.from(sampleIndices(5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(sampleIndices(1))).toEqual([0]);
  });

  it('draws at most a few hundred points per side, first and last included, strictly increasing', () => {
    for (const n of [2, 80, 299, 300, 301, 1000, 6000, 20000, 1_000_000]) {
      const indices = sampleIndices(n);
      expect(indices.length).toBe(Math.min(n, MAX_SURFACE_SIDE));
      expect(indices[0]).toBe(0);
      expect(indices[indices.length - 1]).toBe(n - 1);
      for (let k = 1; k < indices.length; k++) expect(indices[k]!).toBeGreaterThan(indices[k - 1]!);
    }
  });
});

describe('axisValues', () => {
  it('are the engine’s linspace at the sampled indices, in the grid’s dtype', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const n of [2, 7, 1000]) {
        const all = linspace(-2, 2, n, { dtype });
        const indices = sampleIndices(n, 50);
        const axis = axisValues(n, [-2, 2], dtype, indices);
        indices.forEach((i, k) => expect(axis[k]).toBe(all.data[i]));
        all.dispose();
      }
    }
  });
});

describe('decimate', () => {
  it('picks values[i, j] from a strided view, transposed or offset', () => {
    const n = 6;
    const data = Float64Array.from({ length: n * n + 3 }, (_, k) => k);
    const rows = Int32Array.from([0, 2, 5]);
    const cols = Int32Array.from([1, 4]);
    expect(Array.from(decimate(data, 3, [n, 1], rows, cols))).toEqual([4, 7, 16, 19, 34, 37]);
    // The transposed view of the same buffer.
    expect(Array.from(decimate(data, 0, [1, n], rows, cols))).toEqual([6, 24, 8, 26, 11, 29]);
  });

  it('keeps NaN and infinities, and the range skips them', () => {
    const values = Float32Array.from([NaN, 1, -Infinity, 3, Infinity]);
    const view = decimate(values, 0, [5, 1], Int32Array.from([0]), Int32Array.from([0, 1, 2]));
    expect(Number.isNaN(view[0])).toBe(true);
    expect(finiteRange(values)).toEqual({ min: 1, max: 3 });
    expect(finiteRange([NaN, Infinity])).toEqual({ min: 0, max: 0 });
  });
});
