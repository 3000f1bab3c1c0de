import { describe, expect, it } from 'vitest';
import { allocator } from './allocator.js';
import { NDArray } from './ndarray.js';
import { arange } from './creation.js';

describe('NDArray', () => {
  it('has NumPy geometry: shape, row-major strides, nbytes, element access with negative indices', () => {
    const a = NDArray.from(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    expect(a.shape).toEqual([2, 3]);
    expect(a.strides).toEqual([3, 1]);
    expect(a.nbytes).toBe(48);
    expect(a.get(1, 2)).toBe(6);
    expect(a.get(-1, -3)).toBe(4);
    expect(() => a.get(2, 0)).toThrow(RangeError);
    a.set(9, 0, 0);
    expect(a.toList()).toEqual([
      [9, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('broadcasts as a stride-0 view without allocating', () => {
    const row = NDArray.from([1, 2, 3], 'float32');
    const before = allocator.stats().liveBytes;
    const b = row.broadcastTo([4, 3]);
    expect(allocator.stats().liveBytes).toBe(before);
    expect(b.strides).toEqual([0, 1]);
    expect(b.get(3, 2)).toBe(3);
    expect(() => row.broadcastTo([3, 4])).toThrow(/cannot be broadcast/);
  });

  it('reshapes contiguous data as a view and non-contiguous data as a copy', () => {
    const a = arange(6, undefined, 1, 'float64').reshape(2, 3);
    const t = a.transpose();
    expect(t.isContiguous).toBe(false);
    expect(t.toList()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const flat = t.reshape(-1);
    expect(flat.toList()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => a.reshape(4, 2)).toThrow(/cannot reshape/);
  });

  it('indexes and slices rows as views', () => {
    const a = arange(6, undefined, 1, 'float64').reshape(3, 2);
    expect(a.index(1).toList()).toEqual([2, 3]);
    expect(a.index(-1).index(0).item()).toBe(4);
    expect(a.slice(1, 3).toList()).toEqual([
      [2, 3],
      [4, 5],
    ]);
    expect(a.moveAxis(0, 1).shape).toEqual([2, 3]);
  });

  it('returns its buffer to the allocator when the last array on it is disposed', () => {
    const before = allocator.stats().liveBytes;
    const a = NDArray.empty([1000], 'float64');
    const view = a.reshape(10, 100);
    expect(allocator.stats().liveBytes).toBe(before + 8000);
    a.dispose();
    expect(allocator.stats().liveBytes).toBe(before + 8000);
    view.dispose();
    expect(allocator.stats().liveBytes).toBe(before);
    expect(() => view.get(0, 0)).toThrow(/disposed/);
  });
});
