// The surface itself: one vertex per point of the view, coloured in the
// colormap, two triangles per grid cell, with holes where f is NaN or
// ±Infinity. New data of the same size rewrites the geometry's attributes in
// place (index included); a new size replaces the geometry and frees the old.
// Positions are in box coordinates (surfaceCoordinates.ts).

import { BufferAttribute, BufferGeometry, DoubleSide, Mesh, MeshLambertMaterial } from 'three';
import type { SurfaceView } from '../../../main/contract';
import { colorDomain, colorPosition, type ColormapName } from './colormap';
import { boxRange, toWorld } from './surfaceCoordinates';
import { linearTable, writeColor } from './surfaceColors';
import type { SurfaceDomain } from './surfaceView';
import { gridNormals } from './surfaceNormals';

export class SurfaceMesh {
  readonly mesh: Mesh<BufferGeometry, MeshLambertMaterial>;
  /** The view's points along x and along y, as the geometry holds them. */
  mx = 0;
  my = 0;

  constructor() {
    // The surface is pushed back a little in depth, so lines lying on it are drawn over it rather than half inside it.
    const material = new MeshLambertMaterial({
      vertexColors: true,
      side: DoubleSide,
      polygonOffset: true,
      polygonOffsetFactor: 1,
      polygonOffsetUnits: 1,
    });
    this.mesh = new Mesh(new BufferGeometry(), material);
  }

  /** Positions (box coordinates) and the index of the view's points; a new size gets new buffers. */
  setView(view: SurfaceView, domain: SurfaceDomain): void {
    const mx = view.xs.length;
    const my = view.ys.length;
    if (mx !== this.mx || my !== this.my) {
      // A new size: new buffers, the old ones freed.
      const old = this.mesh.geometry;
      this.mesh.geometry = makeGridGeometry(mx, my);
      old.dispose();
      [this.mx, this.my] = [mx, my];
    }
    this.fillGeometry(view, domain);
  }

  /** The vertex positions, as the lines that lie on the surface read them. */
  positions(): Float32Array {
    return this.mesh.geometry.getAttribute('position').array as Float32Array;
  }

  private fillGeometry(view: SurfaceView, domain: SurfaceDomain): void {
    const { mx, my } = this;
    const geometry = this.mesh.geometry;
    const position = geometry.getAttribute('position') as BufferAttribute;
    const positions = position.array as Float32Array;
    const { x0, x1, y0, y1 } = domain;
    let gaps = false;
    // The box's range, once: per point it allocated the range anew (a third of a 300 × 300 view's time).
    const [lo, hi] = boxRange(view.min, view.max);
    const floor = (view.min - lo) / (hi - lo);
    for (let i = 0; i < mx; i++) {
      const worldX = toWorld(view.xs[i]!, x0, x1);
      for (let j = 0; j < my; j++) {
        const k = i * my + j;
        const value = view.values[k]!;
        const finite = Number.isFinite(value);
        if (!finite) gaps = true;
        positions[k * 3] = worldX;
        positions[k * 3 + 1] = finite ? (value - lo) / (hi - lo) : floor;
        positions[k * 3 + 2] = -toWorld(view.ys[j]!, y0, y1);
      }
    }
    // NaN and ±Infinity are holes in the surface: no triangle touches them. The index is rewritten in place.
    const index = geometry.getIndex()!;
    const count = fillGridIndex(index.array as Uint32Array, mx, my, gaps ? view.values : undefined);
    index.needsUpdate = true;
    geometry.setDrawRange(0, count);
    position.needsUpdate = true;
    const normal = geometry.getAttribute('normal') as BufferAttribute;
    gridNormals(positions, normal.array as Float32Array, mx, my, gaps ? view.values : undefined);
    normal.needsUpdate = true;
    geometry.computeBoundingSphere();
  }

  /** Each point's colour in the colormap over f's range; a non-finite point is grey (no triangle shows it). */
  fillColors(view: SurfaceView, colormap: ColormapName): void {
    const color = this.mesh.geometry.getAttribute('color') as BufferAttribute;
    const colors = color.array as Float32Array;
    const table = linearTable(colormap);
    const domain = colorDomain(colormap, view.min, view.max);
    for (let k = 0; k < this.mx * this.my; k++) {
      const value = view.values[k]!;
      if (Number.isFinite(value)) writeColor(colors, k * 3, table, colorPosition(domain, value));
      else colors.fill(0.5, k * 3, k * 3 + 3);
    }
    color.needsUpdate = true;
  }
}

function makeGridGeometry(mx: number, my: number): BufferGeometry {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(mx * my * 3), 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(mx * my * 3), 3));
  geometry.setAttribute('normal', new BufferAttribute(new Float32Array(mx * my * 3), 3));
  const index = new Uint32Array(Math.max(0, mx - 1) * Math.max(0, my - 1) * 6);
  fillGridIndex(index, mx, my);
  geometry.setIndex(new BufferAttribute(index, 1));
  return geometry;
}

/**
 * Two triangles per grid cell of an mx × my grid (point (i, j) at i * my + j), written from the start of `index`;
 * with values, only cells whose four corners are finite. Returns the count written.
 */
export function fillGridIndex(index: Uint32Array, mx: number, my: number, values?: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < mx - 1; i++) {
    for (let j = 0; j < my - 1; j++) {
      const a = i * my + j;
      const b = a + 1;
      const c = a + my;
      const d = c + 1;
      if (
        values &&
        !(
          Number.isFinite(values[a]!) &&
          Number.isFinite(values[b]!) &&
          Number.isFinite(values[c]!) &&
          Number.isFinite(values[d]!)
        )
      )
        continue;
      index[w++] = a;
      index[w++] = c;
      index[w++] = b;
      index[w++] = b;
      index[w++] = c;
      index[w++] = d;
    }
  }
  return w;
}
