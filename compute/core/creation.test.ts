import { describe, expect, it } from 'vitest';
import { arange, linspace, meshgrid } from './creation.js';

describe('linspace and arange', () => {
  it('matches numpy.linspace, endpoint included and exact', () => {
    expect(linspace(-2, 2, 5, { dtype: 'float64' }).toList()).toEqual([-2, -1, 0, 1, 2]);
    expect(linspace(0, 1, 4, { dtype: 'float64', endpoint: false }).toList()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(linspace(3, 7, 1, { dtype: 'float64' }).toList()).toEqual([3]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(-2, 2, 80).dtype).toBe('float32');
  });

  it('matches numpy.arange', () => {
    expect(arange(4, undefined, 1, 'float64').toList()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25, 'float64').toList()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(() => arange(0, 1, 0)).toThrow(/step/);
  });
});

describe('meshgrid', () => {
  const x = linspace(0, 2, 3, { dtype: 'float64' }); // [0, 1, 2]
  const y = linspace(10, 11, 2, { dtype: 'float64' }); // [10, 11]

  it("defaults to 'xy' indexing, as NumPy: shapes (ny, nx) and x varying along columns", () => {
    const [xm, ym] = meshgrid(x, y);
    expect(xm.shape).toEqual([2, 3]);
    expect(xm.toList()).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(ym.toList()).toEqual([
      [10, 10, 10],
      [11, 11, 11],
    ]);
  });

  it("with 'ij' indexing gives shapes (nx, ny) and x_mesh[i, j] = x[i]", () => {
    const [xm, ym] = meshgrid(x, y, { indexing: 'ij' });
    expect(xm.shape).toEqual([3, 2]);
    expect(xm.toList()).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(ym.toList()).toEqual([
      [10, 11],
      [10, 11],
      [10, 11],
    ]);
  });

  it('materializes the meshes: each holds n² elements (the lesson’s memory cost)', () => {
    const [xm, ym] = meshgrid(x, x);
    expect(xm.nbytes + ym.nbytes).toBe(2 * 9 * 8);
    expect(xm.isContiguous && ym.isContiguous).toBe(true);
  });
});
