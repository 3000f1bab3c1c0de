// The hover pick: the grid point nearest the pointer on the surface (the mesh
// is hit even while hidden behind its wireframe), its values and its index in
// the full grid (the view is a decimated sample of it), and a marker sphere
// on the point picked.

import {
  BufferAttribute,
  Mesh,
  MeshBasicMaterial,
  Raycaster,
  SphereGeometry,
  Vector2,
  Vector3,
  type PerspectiveCamera,
} from 'three';
import type { SurfaceView } from '../../../main/contract';
import type { SurfaceMesh } from './surfaceMesh';
import { sampleIndex } from '../../../compute/strategies/decimate';

export interface Readout {
  x: number;
  y: number;
  f: number;
  /** Index of the point in the full grid. */
  i: number;
  j: number;
}

export class SurfaceHover {
  readonly marker: Mesh<SphereGeometry, MeshBasicMaterial>;
  private readonly raycaster = new Raycaster();

  /** `onChange` is called when the marker appears, moves or goes: the scene must be drawn again. */
  constructor(private readonly onChange: () => void) {
    this.marker = new Mesh(new SphereGeometry(0.022, 16, 12), new MeshBasicMaterial({ color: '#e4572e' }));
    this.marker.visible = false;
  }

  /** The grid point under the pointer (client pixel coordinates over `canvas`), or null; the marker follows. */
  pick(
    canvas: HTMLCanvasElement,
    clientX: number,
    clientY: number,
    camera: PerspectiveCamera,
    surface: SurfaceMesh,
    view: SurfaceView | null,
  ): Readout | null {
    if (!view || surface.mx < 2 || surface.my < 2) return null;
    const rect = canvas.getBoundingClientRect();
    const pointer = new Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(pointer, camera);
    // The mesh is hit even while hidden behind its wireframe: the readout works in both.
    const mesh = surface.mesh;
    const hit = this.raycaster.intersectObject(mesh, false)[0];
    if (!hit?.face) {
      this.setMarker(null);
      return null;
    }
    const position = mesh.geometry.getAttribute('position') as BufferAttribute;
    const vertex = new Vector3();
    const local = mesh.worldToLocal(hit.point.clone());
    let best = hit.face.a;
    let bestDistance = Infinity;
    for (const k of [hit.face.a, hit.face.b, hit.face.c]) {
      const d = vertex.fromBufferAttribute(position, k).distanceToSquared(local);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    const i = Math.floor(best / surface.my);
    const j = best % surface.my;
    this.setMarker(mesh.localToWorld(vertex.fromBufferAttribute(position, best)));
    return {
      x: view.xs[i]!,
      y: view.ys[j]!,
      f: view.values[best]!,
      i: sampleIndex(view.nx, surface.mx, i),
      j: sampleIndex(view.ny, surface.my, j),
    };
  }

  clear(): void {
    this.setMarker(null);
  }

  /** Hides the marker without a redraw of its own: for a change that redraws anyway (new data, a new z-scale). */
  hide(): void {
    this.marker.visible = false;
  }

  private setMarker(position: Vector3 | null): void {
    const visible = position !== null;
    if (position) this.marker.position.copy(position);
    if (visible || this.marker.visible) {
      this.marker.visible = visible;
      this.onChange();
    }
  }
}

/** The full-grid index of the k-th of m sampled points, as the engine picks them. */
export { sampleIndex };
