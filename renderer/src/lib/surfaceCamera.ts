// The camera and its orbit: a perspective camera fitted to the canvas (the
// box and its labels fill it, whatever its shape or the box's height), orbit
// controls for the mouse, the wheel and the keyboard (Shift + arrows orbit by
// a fixed angle, arrows pan), and the rule that once the user has moved the
// camera, a resize or a new z-scale no longer refits it (Reset view does).

import { PerspectiveCamera, Vector3 } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { HEIGHT } from './surfaceCoordinates';

/** Where the camera looks from at the start (a direction: its distance is fitted to the canvas). */
const CAMERA_START = new Vector3(3.2, 2.3, 3.6);
/** The box fills at most this much of the canvas's half-width and half-height when fitted (the rest is for labels). */
const FIT_WIDTH = 0.84;
const FIT_HEIGHT = 0.9;
/** The camera's field of view across the narrower side of the canvas, in degrees. */
const FIELD_OF_VIEW = 36;
/** The camera looks at this height of the box (a fraction of it). */
const TARGET_HEIGHT = 0.35;
/** How far one Shift + arrow key press orbits. */
const KEY_ORBIT_DEGREES = 5;

export class SurfaceCamera {
  readonly camera = new PerspectiveCamera(FIELD_OF_VIEW, 1, 0.05, 50);
  readonly controls: OrbitControls;
  private userMoved = false;
  private fitting = false;

  /** `onMove` is called whenever the camera moved (by the user or by a fit). */
  constructor(canvas: HTMLCanvasElement, onMove: () => void) {
    this.camera.position.copy(CAMERA_START);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, HEIGHT * TARGET_HEIGHT, 0);
    this.controls.enableDamping = false;
    this.controls.minDistance = 1.2;
    this.controls.maxDistance = 9;
    // Shift (or Ctrl) + arrows orbit, arrows pan, as OrbitControls defines them; the canvas takes focus for it.
    this.controls.listenToKeyEvents(canvas);
    // Once the user has moved the camera (mouse, wheel or keys), a resize or a new z-scale no longer refits it (Reset
    // view does).
    this.controls.addEventListener('change', () => {
      if (!this.fitting) this.userMoved = true;
      onMove();
    });
  }

  /**
   * A new canvas size: the aspect, a field of view that never cuts the sides, the key orbit's angle, and a refit unless
   * the user moved.
   */
  resize(width: number, height: number, zScale: number): void {
    const aspect = width / height;
    this.camera.aspect = aspect;
    // A tall canvas keeps the same horizontal field, so the surface is never cut at the sides.
    const half = (FIELD_OF_VIEW * Math.PI) / 360;
    this.camera.fov = aspect >= 1 ? FIELD_OF_VIEW : (360 / Math.PI) * Math.atan(Math.tan(half) / aspect);
    this.camera.updateProjectionMatrix();
    // OrbitControls turns a key press by 2π · keyRotateSpeed / the canvas's height: this makes it a fixed angle.
    this.controls.keyRotateSpeed = (height * KEY_ORBIT_DEGREES) / 360;
    if (!this.userMoved) this.fit(zScale);
  }

  /** A new box height: refitted unless the user has moved the camera. */
  zScaleChanged(zScale: number): void {
    if (!this.userMoved) this.fit(zScale);
  }

  /** Back to the starting view, fitted; resizes refit again. */
  reset(zScale: number): void {
    this.userMoved = false;
    this.fit(zScale);
  }

  /**
   * Looks from the starting direction at the box, from the nearest distance at which the box and a margin for its
   * labels fit the canvas: a tall canvas, or a tall box, moves the camera back instead of cutting the f axis's labels.
   */
  fit(zScale: number): void {
    const height = HEIGHT * zScale;
    const target = new Vector3(0, height * TARGET_HEIGHT, 0);
    const direction = CAMERA_START.clone().normalize();
    // The box's corners and the axis titles beyond its floor; the f axis's labels need room at the sides, so less of
    // the width is used.
    const points: Vector3[] = [];
    for (const x of [-1, 1])
      for (const z of [-1, 1]) for (const y of [0, height + 0.15]) points.push(new Vector3(x, y, z));
    for (const side of [-1.35, 1.35]) points.push(new Vector3(side, -0.05, 0), new Vector3(0, -0.05, side));
    // The tick labels at the floor's corners, half a label below the floor.
    for (const x of [-1, 1])
      for (const z of [-1, 1]) points.push(new Vector3(x, -0.08, z * 1.13), new Vector3(x * 1.13, -0.08, z));
    const fits = (distance: number) => {
      this.camera.position.copy(target).addScaledVector(direction, distance);
      this.camera.lookAt(target);
      this.camera.updateMatrixWorld();
      return points.every((point) => {
        const p = point.clone().project(this.camera);
        return Math.abs(p.x) <= FIT_WIDTH && Math.abs(p.y) <= FIT_HEIGHT;
      });
    };
    let [near, far] = [1.5, 20];
    for (let step = 0; step < 24; step++) {
      const middle = (near + far) / 2;
      if (fits(middle)) far = middle;
      else near = middle;
    }
    fits(far);
    this.controls.target.copy(target);
    this.controls.maxDistance = Math.max(9, far * 2);
    this.fitting = true;
    this.controls.update();
    this.fitting = false;
  }

  dispose(): void {
    this.controls.dispose();
  }
}
