// The marker of a run's max or min on the surface: a sphere at (x, y, f)
// with a stem down to the box's floor, so the point reads in depth. It is
// drawn over the surface (a min under a hill would otherwise hide). The
// scene places it in world coordinates, so the plot's z-scale never
// squashes the sphere. It owns its geometries and materials; the scene's
// dispose frees them with the rest.

import {
  BufferAttribute,
  BufferGeometry,
  Group,
  Line,
  LineBasicMaterial,
  Mesh,
  MeshBasicMaterial,
  SphereGeometry,
  Vector3,
} from 'three';

/** Drawn after the surface and its lines, and through them. */
const ON_TOP = 10;

export class SurfaceAnswerMarker {
  readonly object = new Group();
  private readonly stem: Line<BufferGeometry, LineBasicMaterial>;

  constructor() {
    const sphere = new Mesh(
      new SphereGeometry(0.035, 20, 14),
      new MeshBasicMaterial({ color: '#ff1f8e', depthTest: false, transparent: true }),
    );
    sphere.renderOrder = ON_TOP;
    const stemGeometry = new BufferGeometry();
    stemGeometry.setAttribute('position', new BufferAttribute(new Float32Array(6), 3));
    this.stem = new Line(
      stemGeometry,
      new LineBasicMaterial({ color: '#ff1f8e', depthTest: false, transparent: true }),
    );
    this.stem.renderOrder = ON_TOP;
    this.object.add(sphere, this.stem);
    this.object.visible = false;
  }

  /** Shows the marker at `point` (world coordinates) with its stem down to `floorY`; null hides it. */
  place(point: Vector3 | null, floorY = 0): void {
    this.object.visible = point !== null;
    if (!point) return;
    this.object.position.copy(point);
    const stem = this.stem.geometry.getAttribute('position') as BufferAttribute;
    stem.setXYZ(0, 0, 0, 0);
    stem.setXYZ(1, 0, floorY - point.y, 0);
    stem.needsUpdate = true;
    this.stem.geometry.computeBoundingSphere();
  }
}
