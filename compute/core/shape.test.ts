import { describe, expect, it } from 'vitest';
import { broadcastShapes, rowMajorStrides } from './shape.js';

describe('NumPy broadcasting', () => {
  it.each([
    [[[3], [3]], [3]],
    [
      [[5, 1], [4]],
      [5, 4],
    ],
    [
      [[], [2, 3]],
      [2, 3],
    ],
    [
      [
        [8, 1, 6, 1],
        [7, 1, 5],
      ],
      [8, 7, 6, 5],
    ],
    [[[1], [0]], [0]],
  ])('broadcasts %j to %j', (shapes, expected) => {
    expect(broadcastShapes(...(shapes as number[][]))).toEqual(expected);
  });

  it('names the axis and both sizes when shapes do not broadcast', () => {
    expect(() => broadcastShapes([2, 3], [4, 3])).toThrow(/axis -2 has sizes 2 and 4/);
    expect(() => broadcastShapes([3], [4])).toThrow(/cannot be broadcast/);
  });

  it('computes row-major strides in elements', () => {
    expect(rowMajorStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(rowMajorStrides([])).toEqual([]);
  });
});
