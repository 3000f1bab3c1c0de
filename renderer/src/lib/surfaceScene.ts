// The 3D surface of f(x, y) with three.js: a vertex-coloured mesh (viridis,
// low to high), a few grid lines drawn on the surface to show its shape, a
// floor, labelled axes with ticks, orbit controls and a hover pick. It draws
// only when something changed (the controls move, data arrives, the size
// changes), never in an idle loop. New data of the same size rewrites the
// geometry's attributes in place; a new size replaces the geometry and
// disposes the old one. dispose() frees every GPU object it made.

import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  Color,
  DirectionalLight,
  DoubleSide,
  Line,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Raycaster,
  Scene,
  SphereGeometry,
  Sprite,
  SpriteMaterial,
  SRGBColorSpace,
  Vector2,
  Vector3,
  WebGLRenderer,
  type Object3D,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { SurfaceView } from '../../../main/contract';
import { viridis } from './colormap';
import { formatTickValue } from './format';

/** Height of the surface's box in world units; x and y span [-1, 1]. */
const HEIGHT = 0.9;
const CAMERA_START = new Vector3(2.6, 2.1, 3.0);
/** The camera's field of view across the narrower side of the canvas, in degrees. */
const FIELD_OF_VIEW = 36;
const TARGET_START = new Vector3(0, HEIGHT * 0.25, 0);
/** Lines drawn on the surface in each direction. */
const SURFACE_LINES = 12;
const INK = '#2b2f36';
const ACCENT = '#2159c4';

export interface Readout {
  x: number;
  y: number;
  f: number;
  /** Index of the point in the full grid. */
  i: number;
  j: number;
}

const LINEAR_VIRIDIS: Float32Array = (() => {
  const table = new Float32Array(256 * 3);
  const color = new Color();
  for (let k = 0; k < 256; k++) {
    const [r, g, b] = viridis(k / 255);
    color.setRGB(r, g, b, SRGBColorSpace);
    table.set([color.r, color.g, color.b], k * 3);
  }
  return table;
})();

function labelSprite(text: string, size = 0.075, color = INK): Sprite {
  const font = `600 40px Inter, "Helvetica Neue", Arial, sans-serif`;
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d')!;
  context.font = font;
  const width = Math.ceil(context.measureText(text).width) + 12;
  canvas.width = width;
  canvas.height = 52;
  context.font = font;
  context.fillStyle = color;
  context.textBaseline = 'middle';
  context.fillText(text, 6, 27);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.anisotropy = 4;
  const sprite = new Sprite(new SpriteMaterial({ map: texture, transparent: true, depthWrite: false }));
  sprite.scale.set((size * width) / canvas.height, size, 1);
  sprite.renderOrder = 2;
  return sprite;
}

function disposeObject(object: Object3D): void {
  object.traverse((child) => {
    const withGeometry = child as Partial<Mesh>;
    withGeometry.geometry?.dispose();
    const material = withGeometry.material;
    for (const m of Array.isArray(material) ? material : material ? [material] : []) {
      (m as SpriteMaterial).map?.dispose();
      m.dispose();
    }
  });
  object.removeFromParent();
}

export class SurfaceScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(38, 1, 0.05, 50);
  private readonly controls: OrbitControls;
  private readonly raycaster = new Raycaster();
  private readonly mesh: Mesh<BufferGeometry, MeshLambertMaterial>;
  private readonly lines: LineSegments<BufferGeometry, LineBasicMaterial>;
  private readonly marker: Mesh;
  private readonly staticLabels: Object3D[] = [];
  private valueLabels: Object3D[] = [];
  private view: SurfaceView | null = null;
  private side = 0;
  private frame = 0;
  private disposed = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the last frame stays readable for PNG export and pixel checks.
    this.renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.scene.background = new Color('#ffffff');
    this.camera.position.copy(CAMERA_START);

    this.scene.add(new AmbientLight(0xffffff, 1.9));
    const sun = new DirectionalLight(0xffffff, 1.1);
    sun.position.set(1.5, 3, 2);
    this.scene.add(sun);

    this.mesh = new Mesh(new BufferGeometry(), new MeshLambertMaterial({ vertexColors: true, side: DoubleSide }));
    this.lines = new LineSegments(new BufferGeometry(), new LineBasicMaterial({ color: '#1b1e24', transparent: true, opacity: 0.35 }));
    this.marker = new Mesh(new SphereGeometry(0.022, 16, 12), new MeshBasicMaterial({ color: '#e4572e' }));
    this.marker.visible = false;
    this.scene.add(this.mesh, this.lines, this.marker);
    this.buildFrame();

    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.copy(TARGET_START);
    this.controls.enableDamping = false;
    this.controls.minDistance = 1.2;
    this.controls.maxDistance = 9;
    this.controls.addEventListener('change', () => this.requestRender());
    this.controls.update();
    // Labels are drawn with the bundled font once it has loaded.
    void document.fonts?.ready.then(() => {
      if (this.disposed) return;
      this.rebuildLabels();
    });
  }

  /** Shows a grid view; the same size updates the geometry in place. */
  setView(view: SurfaceView): void {
    const m = view.xs.length;
    const geometry = this.mesh.geometry;
    if (m !== this.side) {
      // A new size: new buffers, the old ones freed.
      this.mesh.geometry = makeGridGeometry(m);
      geometry.dispose();
      this.lines.geometry.dispose();
      this.lines.geometry = new BufferGeometry();
      this.side = m;
    }
    this.view = view;
    this.fillGeometry(view);
    this.marker.visible = false;
    this.rebuildValueLabels(view);
    this.requestRender();
  }

  resize(width: number, height: number): void {
    if (width <= 0 || height <= 0) return;
    this.renderer.setSize(width, height, false);
    const aspect = width / height;
    this.camera.aspect = aspect;
    // A tall canvas keeps the same horizontal field, so the surface is never cut at the sides.
    const half = (FIELD_OF_VIEW * Math.PI) / 360;
    this.camera.fov = aspect >= 1 ? FIELD_OF_VIEW : (360 / Math.PI) * Math.atan(Math.tan(half) / aspect);
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  resetView(): void {
    this.camera.position.copy(CAMERA_START);
    this.controls.target.copy(TARGET_START);
    this.controls.update();
    this.requestRender();
  }

  /** The grid point under the pointer (canvas pixel coordinates), or null. */
  pick(clientX: number, clientY: number): Readout | null {
    const view = this.view;
    if (!view || this.side < 2) return null;
    const rect = this.canvas.getBoundingClientRect();
    const pointer = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(pointer, this.camera);
    const hit = this.raycaster.intersectObject(this.mesh, false)[0];
    if (!hit?.face) {
      this.setMarker(null);
      return null;
    }
    const position = this.mesh.geometry.getAttribute('position') as BufferAttribute;
    const vertex = new Vector3();
    let best = hit.face.a;
    let bestDistance = Infinity;
    for (const k of [hit.face.a, hit.face.b, hit.face.c]) {
      const d = vertex.fromBufferAttribute(position, k).distanceToSquared(hit.point);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    const i = Math.floor(best / this.side);
    const j = best % this.side;
    this.setMarker(vertex.fromBufferAttribute(position, best));
    return { x: view.xs[i]!, y: view.ys[j]!, f: view.values[best]!, i: sampleIndex(view.n, this.side, i), j: sampleIndex(view.n, this.side, j) };
  }

  clearPick(): void {
    this.setMarker(null);
  }

  /** Renders now (so the drawing buffer holds the current frame) and returns the canvas. */
  snapshot(): HTMLCanvasElement {
    this.render();
    return this.canvas;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    cancelAnimationFrame(this.frame);
    this.controls.dispose();
    for (const child of [...this.scene.children]) disposeObject(child);
    this.renderer.dispose();
  }

  private setMarker(position: Vector3 | null): void {
    const visible = position !== null;
    if (position) this.marker.position.copy(position);
    if (visible || this.marker.visible) {
      this.marker.visible = visible;
      this.requestRender();
    }
  }

  private requestRender(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.disposed) return;
    this.renderer.render(this.scene, this.camera);
  }

  private fillGeometry(view: SurfaceView): void {
    const m = this.side;
    const geometry = this.mesh.geometry;
    const position = geometry.getAttribute('position') as BufferAttribute;
    const color = geometry.getAttribute('color') as BufferAttribute;
    const positions = position.array as Float32Array;
    const colors = color.array as Float32Array;
    const span = view.max - view.min;
    let gaps = false;
    const [lo, hi] = [view.xs[0]!, view.xs[m - 1]!];
    const toWorld = (v: number) => (hi > lo ? ((v - lo) / (hi - lo)) * 2 - 1 : 0);
    for (let i = 0; i < m; i++) {
      const worldX = toWorld(view.xs[i]!);
      for (let j = 0; j < m; j++) {
        const k = i * m + j;
        const value = view.values[k]!;
        const finite = Number.isFinite(value);
        const t = finite ? (span > 0 ? (value - view.min) / span : 0.5) : 0;
        positions[k * 3] = worldX;
        positions[k * 3 + 1] = t * HEIGHT;
        positions[k * 3 + 2] = -toWorld(view.ys[j]!);
        if (finite) {
          const c = Math.round(t * 255) * 3;
          colors[k * 3] = LINEAR_VIRIDIS[c]!;
          colors[k * 3 + 1] = LINEAR_VIRIDIS[c + 1]!;
          colors[k * 3 + 2] = LINEAR_VIRIDIS[c + 2]!;
        } else {
          gaps = true;
          colors.fill(0.5, k * 3, k * 3 + 3);
        }
      }
    }
    // NaN and ±Infinity are holes in the surface: no triangle touches them. The index is rewritten in place.
    const index = geometry.getIndex()!;
    const count = fillGridIndex(index.array as Uint32Array, m, gaps ? view.values : undefined);
    index.needsUpdate = true;
    geometry.setDrawRange(0, count);
    position.needsUpdate = true;
    color.needsUpdate = true;
    geometry.computeVertexNormals();
    geometry.computeBoundingSphere();
    this.fillSurfaceLines(positions, m);
  }

  /** A few rows and columns of the surface as lines, lifted a hair so they are not hidden in it. */
  private fillSurfaceLines(positions: Float32Array, m: number): void {
    const step = Math.max(1, Math.round((m - 1) / SURFACE_LINES));
    const picks: number[] = [];
    for (let k = 0; k < m; k += step) picks.push(k);
    if (picks[picks.length - 1] !== m - 1) picks.push(m - 1);
    const segments = picks.length * (m - 1) * 2;
    const geometry = this.lines.geometry;
    let attribute = geometry.getAttribute('position') as BufferAttribute | undefined;
    if (!attribute || attribute.count !== segments * 2) {
      attribute = new BufferAttribute(new Float32Array(segments * 2 * 3), 3);
      geometry.setAttribute('position', attribute);
    }
    const out = attribute.array as Float32Array;
    let w = 0;
    const values = this.view?.values;
    const finite = (k: number) => !values || Number.isFinite(values[k]!);
    const put = (k: number) => {
      out[w++] = positions[k * 3]!;
      out[w++] = positions[k * 3 + 1]! + 0.003;
      out[w++] = positions[k * 3 + 2]!;
    };
    // A segment with a non-finite end collapses to a point: the line breaks at a gap.
    const segment = (a: number, b: number) => {
      const ok = finite(a) && finite(b);
      put(a);
      put(ok ? b : a);
    };
    for (const fixed of picks) {
      for (let t = 0; t < m - 1; t++) {
        segment(fixed * m + t, fixed * m + t + 1);
        segment(t * m + fixed, (t + 1) * m + fixed);
      }
    }
    attribute.needsUpdate = true;
    geometry.computeBoundingSphere();
  }

  /** The floor, its grid and the three axes; built once. */
  private buildFrame(): void {
    const floorLines: number[] = [];
    for (let k = 0; k <= 4; k++) {
      const v = -1 + k * 0.5;
      floorLines.push(v, 0, -1, v, 0, 1, -1, 0, v, 1, 0, v);
    }
    const floorGeometry = new BufferGeometry();
    floorGeometry.setAttribute('position', new BufferAttribute(new Float32Array(floorLines), 3));
    const floor = new LineSegments(floorGeometry, new LineBasicMaterial({ color: '#c9ced6' }));
    const axisGeometry = new BufferGeometry();
    // x along the front edge, y along the right edge, f up the back-left corner.
    axisGeometry.setAttribute(
      'position',
      new BufferAttribute(new Float32Array([-1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, -1, -1, 0, -1, -1, HEIGHT, -1]), 3),
    );
    const axes = new LineSegments(axisGeometry, new LineBasicMaterial({ color: INK }));
    const top = new BufferGeometry();
    top.setAttribute('position', new BufferAttribute(new Float32Array([-1, HEIGHT, -1, 1, HEIGHT, -1, 1, HEIGHT, 1]), 3));
    const topEdge = new Line(top, new LineBasicMaterial({ color: '#dde1e7' }));
    this.scene.add(floor, axes, topEdge);
    this.rebuildLabels();
  }

  private rebuildLabels(): void {
    for (const label of this.staticLabels) disposeObject(label);
    this.staticLabels.length = 0;
    const add = (sprite: Sprite, x: number, y: number, z: number) => {
      sprite.position.set(x, y, z);
      this.scene.add(sprite);
      this.staticLabels.push(sprite);
    };
    for (const v of [-2, -1, 0, 1, 2]) {
      add(labelSprite(String(v), 0.09), v / 2, -0.02, 1.14);
      add(labelSprite(String(v), 0.09), 1.14, -0.02, -v / 2);
    }
    add(labelSprite('x', 0.14, ACCENT), 0, -0.06, 1.34);
    add(labelSprite('y', 0.14, ACCENT), 1.34, -0.06, 0);
    if (this.view) this.rebuildValueLabels(this.view);
    this.requestRender();
  }

  private rebuildValueLabels(view: SurfaceView): void {
    for (const label of this.valueLabels) disposeObject(label);
    this.valueLabels = [];
    const add = (sprite: Sprite, y: number) => {
      sprite.position.set(-1.02 - sprite.scale.x / 2, y, -1);
      this.scene.add(sprite);
      this.valueLabels.push(sprite);
    };
    const ticks = view.max > view.min ? [0, 0.5, 1] : [0.5];
    for (const t of ticks) add(labelSprite(formatTickValue(view.min + t * (view.max - view.min)), 0.1), t * HEIGHT);
    add(labelSprite('f(x, y)', 0.12, ACCENT), HEIGHT + 0.14);
  }
}

function makeGridGeometry(m: number): BufferGeometry {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(m * m * 3), 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(m * m * 3), 3));
  const index = new Uint32Array(Math.max(0, m - 1) ** 2 * 6);
  fillGridIndex(index, m);
  geometry.setIndex(new BufferAttribute(index, 1));
  return geometry;
}

/** Two triangles per grid cell, written from the start of `index`; with values, only cells whose four corners are finite. Returns the count written. */
export function fillGridIndex(index: Uint32Array, m: number, values?: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < m - 1; i++) {
    for (let j = 0; j < m - 1; j++) {
      const a = i * m + j;
      const b = a + 1;
      const c = a + m;
      const d = c + 1;
      if (values && !(Number.isFinite(values[a]!) && Number.isFinite(values[b]!) && Number.isFinite(values[c]!) && Number.isFinite(values[d]!))) continue;
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

/** The full-grid index of the k-th of m sampled points (as main/engine/decimate.ts picks them). */
function sampleIndex(n: number, m: number, k: number): number {
  return m >= n || m === 1 ? k : Math.round((k * (n - 1)) / (m - 1));
}
