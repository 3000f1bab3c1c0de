import { describe, expect, it } from 'vitest';
import { fillGridIndex } from './surfaceMesh';

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
