import { BufferAttribute, BufferGeometry } from 'three';
import { describe, expect, it } from 'vitest';
import { fillGridIndex } from './surfaceMesh';
import { gridNormals } from './surfaceNormals';

/** An mx × my grid of f over [-2, 2]², positions as the surface holds them (x, f up, −y). */
function grid(mx: number, my: number, f: (x: number, y: number) => number) {
  const positions = new Float32Array(mx * my * 3);
  const values = new Float32Array(mx * my);
  for (let i = 0; i < mx; i++)
    for (let j = 0; j < my; j++) {
      const [x, y] = [-2 + (4 * i) / (mx - 1), -2 + (4 * j) / (my - 1)];
      const k = i * my + j;
      values[k] = f(x, y);
      positions.set([x, Number.isFinite(values[k]!) ? values[k]! : 0, -y], k * 3);
    }
  return { positions, values };
}

/** three.js's own normals of the same triangles, the reference. */
function threeNormals(positions: Float32Array, mx: number, my: number, values?: Float32Array): Float32Array {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  const index = new Uint32Array((mx - 1) * (my - 1) * 6);
  const count = fillGridIndex(index, mx, my, values);
  geometry.setIndex(new BufferAttribute(index.slice(0, count), 1));
  geometry.computeVertexNormals();
  return geometry.getAttribute('normal').array as Float32Array;
}

/** The angle between the two normals of point k, in degrees. */
function angle(a: Float32Array, b: Float32Array, k: number): number {
  const dot = a[k * 3]! * b[k * 3]! + a[k * 3 + 1]! * b[k * 3 + 1]! + a[k * 3 + 2]! * b[k * 3 + 2]!;
  return (Math.acos(Math.min(1, dot)) * 180) / Math.PI;
}

const lesson = (x: number, y: number) => Math.cos(x * x + y * y) / (1 + x * x + y * y);

describe('the surface normals from its grid', () => {
  it('agree with three.js’s, triangle by triangle, on the lesson’s f, and face the way the triangles are wound', () => {
    const [mx, my] = [120, 90];
    const { positions } = grid(mx, my, lesson);
    const ours = new Float32Array(mx * my * 3);
    gridNormals(positions, ours, mx, my);
    const theirs = threeNormals(positions, mx, my);
    const angles = Array.from({ length: mx * my }, (_, k) => angle(ours, theirs, k)).sort((a, b) => a - b);
    expect(angles[Math.floor(angles.length / 2)]!).toBeLessThan(0.5);
    expect(angles.at(-1)!).toBeLessThan(5);
    // A flat plane tilted up along x: every normal is the plane's own, unit, pointing up and back along x.
    const plane = grid(5, 4, (x) => x);
    const flat = new Float32Array(5 * 4 * 3);
    gridNormals(plane.positions, flat, 5, 4);
    for (let k = 0; k < 20; k++) {
      expect(flat[k * 3]!).toBeCloseTo(-Math.SQRT1_2, 6);
      expect(flat[k * 3 + 1]!).toBeCloseTo(Math.SQRT1_2, 6);
      expect(flat[k * 3 + 2]!).toBeCloseTo(0, 6);
    }
  });

  it('takes no slope from a hole: the points beside a NaN keep the normals of the surface around them', () => {
    const [mx, my] = [40, 40];
    const { positions, values } = grid(mx, my, (x, y) =>
      Math.abs(x - 0.5) < 0.06 && Math.abs(y) < 0.06 ? NaN : x * y,
    );
    const holes = Array.from(values).filter((v) => Number.isNaN(v)).length;
    expect(holes).toBeGreaterThan(0);
    const ours = new Float32Array(mx * my * 3);
    gridNormals(positions, ours, mx, my, values);
    const theirs = threeNormals(positions, mx, my, values);
    for (let k = 0; k < mx * my; k++) {
      if (Number.isNaN(values[k]!)) expect(Array.from(ours.slice(k * 3, k * 3 + 3))).toEqual([0, 1, 0]);
      // A point that some triangle still touches: its normal as three.js makes it from those triangles.
      else if (theirs[k * 3 + 1] !== 0 || theirs[k * 3] !== 0) expect(angle(ours, theirs, k)).toBeLessThan(5);
    }
  });
});
