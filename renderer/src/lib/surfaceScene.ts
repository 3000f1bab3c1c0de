// The 3D surface of f(x, y) with three.js, drawn as Plotly draws one: a
// vertex-coloured mesh in the chosen colormap (or its wireframe), contour
// lines on it and projected on the floor, a box whose floor and two back
// walls carry the 1-2-5 grid (the walls away from the camera, so no line of
// the box ever crosses the surface), tick labels along the edges nearest the
// camera, orbit controls (mouse and keyboard) and a hover pick. Colours of
// background, lines and labels come from the page's theme.
//
// It draws only when something changed (the controls move, data, style or
// theme arrive, the size changes), never in an idle loop. New data of the
// same size rewrites the geometry's attributes in place; a new size, or line
// buffers that must grow, replace the geometry and dispose the old one.
// dispose() frees every GPU object it made, once.

import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  Color,
  DirectionalLight,
  DoubleSide,
  Group,
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
import { colorDomain, colormapTable, colorPosition, TABLE_SIZE, type ColormapName } from './colormap';
import { contourLevels, marchingSquares } from './contours';
import { formatTickValue } from './format';
import { niceTicks } from './scales';
import { defaultSurfaceStyle, type SurfaceStyle } from './surfaceStyle';

/** Height of the box in world units at z-scale 1; x and y span [-1, 1]. */
const HEIGHT = 1;
/** Room below the surface's lowest point, as a fraction of f's range: the floor's contours show under its edges. */
const FLOOR_GAP = 0.3;
/** And above its highest point, so the top tick is not the box's lid. */
const TOP_GAP = 0.04;
/** Where the camera looks from at the start (a direction: its distance is fitted to the canvas). */
const CAMERA_START = new Vector3(3.2, 2.3, 3.6);
/** The box fills at most this much of the canvas's half-width and half-height when fitted (the rest is for labels). */
const FIT_WIDTH = 0.84;
const FIT_HEIGHT = 0.9;
/** The camera's field of view across the narrower side of the canvas, in degrees. */
const FIELD_OF_VIEW = 36;
/** The camera looks at this height of the box (a fraction of it). */
const TARGET_HEIGHT = 0.35;
/** Lines drawn on the filled surface in each direction, and at most in the wireframe. */
const SURFACE_LINES = 12;
const WIREFRAME_LINES = 60;
/** Lines lying on the surface are dark in every theme: they are read against the colormap, not the page. */
const SURFACE_INK = '#1b1e24';
/** How far one Shift + arrow key press orbits. */
const KEY_ORBIT_DEGREES = 5;
/** Ticks asked of d3 per axis: it returns about this many 1-2-5 values. */
const TICKS_PER_AXIS = 5;

export interface Readout {
  x: number;
  y: number;
  f: number;
  /** Index of the point in the full grid. */
  i: number;
  j: number;
}

/** The grid's x and y ranges: the axes' extent. */
export interface SurfaceDomain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The colours of the page the scene sits in (CSS colour strings), and how large its type is. */
export interface SceneTheme {
  background: string;
  ink: string;
  inkSoft: string;
  grid: string;
  accent: string;
  /** 1 normally; larger in projector mode. */
  labelScale: number;
}

export const LIGHT_THEME: SceneTheme = { background: '#ffffff', ink: '#1d2128', inkSoft: '#59616e', grid: '#dfe3e9', accent: '#2159c4', labelScale: 1 };

/** The scene's colours from the page's colour variables (app.css and the classroom's themes), read where the canvas sits. */
export function themeFrom(style: CSSStyleDeclaration, projector: boolean): SceneTheme {
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--panel', LIGHT_THEME.background),
    ink: read('--ink', LIGHT_THEME.ink),
    inkSoft: read('--ink-soft', LIGHT_THEME.inkSoft),
    grid: read('--line', LIGHT_THEME.grid),
    accent: read('--accent', LIGHT_THEME.accent),
    labelScale: projector ? 1.35 : 1,
  };
}

export interface AxisLabels {
  x: string[];
  y: string[];
  z: string[];
}

/** The grid's domain, as the view says it (its axis values span it, first and last points included). */
export function domainOf(view: SurfaceView): SurfaceDomain {
  if (view.xRange && view.yRange) return { x0: view.xRange[0], x1: view.xRange[1], y0: view.yRange[0], y1: view.yRange[1] };
  return { x0: view.xs[0] ?? -1, x1: view.xs[view.xs.length - 1] ?? 1, y0: view.ys[0] ?? -1, y1: view.ys[view.ys.length - 1] ?? 1 };
}

/** The f range the box spans: f's range with room below (for the floor's contours) and a little above. */
/**
 * Whether two views draw the same surface: the same points, and values (and
 * their range) equal to a millionth of that range — a float32 run's grid and
 * the preview computed at its points differ in the last bits, not on screen.
 */
export function sameDrawing(a: SurfaceView, b: SurfaceView): boolean {
  if (a.xs.length !== b.xs.length || a.ys.length !== b.ys.length || a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.xs.length; i++) if (a.xs[i] !== b.xs[i]) return false;
  for (let j = 0; j < a.ys.length; j++) if (a.ys[j] !== b.ys[j]) return false;
  const tolerance = 1e-6 * Math.max(Math.abs(a.max - a.min), Number.MIN_VALUE);
  if (!(Math.abs(a.min - b.min) <= tolerance && Math.abs(a.max - b.max) <= tolerance)) return false;
  for (let k = 0; k < a.values.length; k++) {
    const x = a.values[k]!;
    const y = b.values[k]!;
    if (x === y) continue;
    // NaN against NaN, or a value against a value within the tolerance; anything else redraws.
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!(Math.abs(x - y) <= tolerance)) return false;
  }
  return true;
}

function sameDomain(a: SurfaceDomain, b: SurfaceDomain): boolean {
  return a.x0 === b.x0 && a.x1 === b.x1 && a.y0 === b.y0 && a.y1 === b.y1;
}

export function boxRange(min: number, max: number): [number, number] {
  if (!(max > min)) return [min - 1, max + 1];
  const span = max - min;
  return [min - FLOOR_GAP * span, max + TOP_GAP * span];
}

/** A value's place along [lo, hi] as world coordinates in [-1, 1] (0 for a flat range). */
export function toWorld(value: number, lo: number, hi: number): number {
  return hi !== lo ? ((value - lo) / (hi - lo)) * 2 - 1 : 0;
}

const linearTables = new Map<ColormapName, Float32Array>();
/** The colormap's table in linear RGB, which is what three.js expects of vertex colours. */
function linearTable(name: ColormapName): Float32Array {
  let table = linearTables.get(name);
  if (!table) {
    const srgb = colormapTable(name);
    table = new Float32Array(srgb.length);
    const color = new Color();
    for (let k = 0; k < srgb.length; k += 3) {
      color.setRGB(srgb[k]!, srgb[k + 1]!, srgb[k + 2]!, SRGBColorSpace);
      table[k] = color.r;
      table[k + 1] = color.g;
      table[k + 2] = color.b;
    }
    linearTables.set(name, table);
  }
  return table;
}

function writeColor(out: Float32Array, at: number, table: Float32Array, t: number): void {
  const c = Math.round(t * (TABLE_SIZE - 1)) * 3;
  out[at] = table[c]!;
  out[at + 1] = table[c + 1]!;
  out[at + 2] = table[c + 2]!;
}

function labelSprite(text: string, size: number, color: string, weight = 600): Sprite {
  const font = `${weight} 40px Inter, "Helvetica Neue", Arial, sans-serif`;
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
  const sprite = new Sprite(new SpriteMaterial({ map: texture, transparent: true, depthWrite: false, depthTest: false }));
  sprite.scale.set((size * width) / canvas.height, size, 1);
  sprite.renderOrder = 3;
  return sprite;
}

function segments(points: number[], color: string, opacity = 1): LineSegments {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(points), 3));
  return new LineSegments(geometry, new LineBasicMaterial({ color, transparent: opacity < 1, opacity }));
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

/** Gives `lines` room for `vertices` points with a colour each: the same geometry while it is large enough, else a new one (twice as large) and the old one freed. */
function ensureLineCapacity(lines: LineSegments, vertices: number): { positions: Float32Array; colors: Float32Array } {
  let geometry = lines.geometry;
  const current = geometry.getAttribute('position') as BufferAttribute | undefined;
  if (!current || current.count < vertices) {
    const capacity = Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, vertices))));
    geometry.dispose();
    geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(new Float32Array(capacity * 3), 3));
    geometry.setAttribute('color', new BufferAttribute(new Float32Array(capacity * 3), 3));
    lines.geometry = geometry;
  }
  const position = geometry.getAttribute('position') as BufferAttribute;
  const color = geometry.getAttribute('color') as BufferAttribute;
  position.needsUpdate = true;
  color.needsUpdate = true;
  geometry.setDrawRange(0, vertices);
  return { positions: position.array as Float32Array, colors: color.array as Float32Array };
}

/** The box's grid, walls and labels: everything that depends on the axes, the height and the theme, rebuilt together when one of them changes. */
interface Frame {
  group: Group;
  /** The walls at x = -1, x = +1, y = -1 (world z = +1) and y = +1 (world z = -1); two show at a time. */
  walls: { xLow: Object3D; xHigh: Object3D; yLow: Object3D; yHigh: Object3D };
  xLabels: Sprite[];
  yLabels: Sprite[];
  zLabels: Sprite[];
  xTitle: Sprite;
  yTitle: Sprite;
  zTitle: Sprite;
  xTicks: number[];
  yTicks: number[];
  zTicks: number[];
}

export class SurfaceScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(FIELD_OF_VIEW, 1, 0.05, 50);
  private readonly controls: OrbitControls;
  private readonly raycaster = new Raycaster();
  /** The surface, its lines and contours, in box coordinates: y is 0..1 from the box's floor to its top, scaled to the box's height. */
  private readonly plot = new Group();
  private readonly mesh: Mesh<BufferGeometry, MeshLambertMaterial>;
  private readonly lines: LineSegments<BufferGeometry, LineBasicMaterial>;
  private readonly surfaceContours: LineSegments<BufferGeometry, LineBasicMaterial>;
  private readonly floorContours: LineSegments<BufferGeometry, LineBasicMaterial>;
  private readonly marker: Mesh<SphereGeometry, MeshBasicMaterial>;
  private frame: Frame | null = null;
  private frameKey = '';
  private view: SurfaceView | null = null;
  private domain: SurfaceDomain = { x0: -1, x1: 1, y0: -1, y1: 1 };
  /** The tick labels the box shows on each axis, as drawn (the page describes them in text: a canvas says nothing to a screen reader). */
  private tickLabels: AxisLabels = { x: [], y: [], z: [] };
  private style: SurfaceStyle = defaultSurfaceStyle();
  private theme: SceneTheme = LIGHT_THEME;
  private mx = 0;
  private my = 0;
  private animationFrame = 0;
  private disposed = false;
  /** Boxes replaced since the last render, freed once their successors have been drawn. */
  private readonly retired: Object3D[] = [];
  private userMoved = false;
  private fitting = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the last frame stays readable for PNG export and pixel checks.
    this.renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.scene.background = new Color(this.theme.background);
    this.camera.position.copy(CAMERA_START);

    this.scene.add(new AmbientLight(0xffffff, 1.9));
    const sun = new DirectionalLight(0xffffff, 1.1);
    sun.position.set(1.5, 3, 2);
    this.scene.add(sun);

    // The surface is pushed back a little in depth, so lines lying on it are drawn over it rather than half inside it.
    const material = new MeshLambertMaterial({ vertexColors: true, side: DoubleSide, polygonOffset: true, polygonOffsetFactor: 1, polygonOffsetUnits: 1 });
    this.mesh = new Mesh(new BufferGeometry(), material);
    this.lines = new LineSegments(new BufferGeometry(), new LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.35 }));
    this.surfaceContours = new LineSegments(new BufferGeometry(), new LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.75 }));
    this.floorContours = new LineSegments(new BufferGeometry(), new LineBasicMaterial({ vertexColors: true }));
    this.plot.add(this.mesh, this.lines, this.surfaceContours, this.floorContours);
    this.plot.scale.y = HEIGHT * this.style.zScale;
    this.marker = new Mesh(new SphereGeometry(0.022, 16, 12), new MeshBasicMaterial({ color: '#e4572e' }));
    this.marker.visible = false;
    this.scene.add(this.plot, this.marker);

    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, HEIGHT * TARGET_HEIGHT, 0);
    this.controls.enableDamping = false;
    this.controls.minDistance = 1.2;
    this.controls.maxDistance = 9;
    // Shift (or Ctrl) + arrows orbit, arrows pan, as OrbitControls defines them; the canvas takes focus for it.
    this.controls.listenToKeyEvents(canvas);
    // Once the user has moved the camera (mouse, wheel or keys), a resize or a new z-scale no longer refits it (Reset view does).
    this.controls.addEventListener('change', () => {
      if (!this.fitting) this.userMoved = true;
      this.layoutFrame();
      this.requestRender();
    });
    this.fitCamera();
    this.rebuildFrame();
    // Labels are drawn with the bundled font once it has loaded.
    void document.fonts?.ready.then(() => {
      if (this.disposed) return;
      this.rebuildFrame(true);
    });
  }

  /** The tick labels on the x, y and f axes as the box draws them now. */
  axisLabels(): AxisLabels {
    return this.tickLabels;
  }

  /** Shows a grid view over its domain; the same size updates the geometry in place. */
  setView(view: SurfaceView, domain: SurfaceDomain = domainOf(view)): void {
    // A run's grid after the preview of the same points draws the same picture: keep it, and the page's 50–100 ms.
    if (this.view && sameDrawing(this.view, view) && sameDomain(this.domain, domain)) {
      this.view = view;
      return;
    }
    const mx = view.xs.length;
    const my = view.ys.length;
    if (mx !== this.mx || my !== this.my) {
      // A new size: new buffers, the old ones freed.
      const old = this.mesh.geometry;
      this.mesh.geometry = makeGridGeometry(mx, my);
      old.dispose();
      [this.mx, this.my] = [mx, my];
    }
    this.view = view;
    this.domain = domain;
    this.fillGeometry();
    this.marker.visible = false;
    this.rebuildFrame();
    this.requestRender();
  }

  setStyle(style: SurfaceStyle): void {
    const before = this.style;
    this.style = { ...style };
    if (style.zScale !== before.zScale) {
      this.plot.scale.y = HEIGHT * style.zScale;
      this.marker.visible = false;
      this.rebuildFrame();
      if (!this.userMoved) this.fitCamera();
    }
    if (this.view) {
      if (style.colormap !== before.colormap) this.fillColors();
      if (style.colormap !== before.colormap || style.wireframe !== before.wireframe || style.contours !== before.contours) this.fillSurfaceLines();
      if (style.colormap !== before.colormap || style.contours !== before.contours || style.contourLevels !== before.contourLevels) this.fillContours();
    }
    this.mesh.visible = !style.wireframe;
    this.requestRender();
  }

  setTheme(theme: SceneTheme): void {
    this.theme = { ...theme };
    (this.scene.background as Color).set(theme.background);
    this.rebuildFrame();
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
    // OrbitControls turns a key press by 2π · keyRotateSpeed / the canvas's height: this makes it a fixed angle.
    this.controls.keyRotateSpeed = (height * KEY_ORBIT_DEGREES) / 360;
    if (!this.userMoved) this.fitCamera();
    this.layoutFrame();
    this.requestRender();
  }

  resetView(): void {
    this.userMoved = false;
    this.fitCamera();
    this.requestRender();
  }

  /**
   * Looks from the starting direction at the box, from the nearest distance at which the box and a margin for its
   * labels fit the canvas: a tall canvas, or a tall box, moves the camera back instead of cutting the f axis's labels.
   */
  private fitCamera(): void {
    const height = HEIGHT * this.style.zScale;
    const target = new Vector3(0, height * TARGET_HEIGHT, 0);
    const direction = CAMERA_START.clone().normalize();
    // The box's corners and the axis titles beyond its floor; the f axis's labels need room at the sides, so less of the width is used.
    const points: Vector3[] = [];
    for (const x of [-1, 1]) for (const z of [-1, 1]) for (const y of [0, height + 0.15]) points.push(new Vector3(x, y, z));
    for (const side of [-1.35, 1.35]) points.push(new Vector3(side, -0.05, 0), new Vector3(0, -0.05, side));
    // The tick labels at the floor's corners, half a label below the floor.
    for (const x of [-1, 1]) for (const z of [-1, 1]) points.push(new Vector3(x, -0.08, z * 1.13), new Vector3(x * 1.13, -0.08, z));
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

  /** The grid point under the pointer (canvas pixel coordinates), or null. */
  pick(clientX: number, clientY: number): Readout | null {
    const view = this.view;
    if (!view || this.mx < 2 || this.my < 2) return null;
    const rect = this.canvas.getBoundingClientRect();
    const pointer = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(pointer, this.camera);
    // The mesh is hit even while hidden behind its wireframe: the readout works in both.
    const hit = this.raycaster.intersectObject(this.mesh, false)[0];
    if (!hit?.face) {
      this.setMarker(null);
      return null;
    }
    const position = this.mesh.geometry.getAttribute('position') as BufferAttribute;
    const vertex = new Vector3();
    const local = this.mesh.worldToLocal(hit.point.clone());
    let best = hit.face.a;
    let bestDistance = Infinity;
    for (const k of [hit.face.a, hit.face.b, hit.face.c]) {
      const d = vertex.fromBufferAttribute(position, k).distanceToSquared(local);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    const i = Math.floor(best / this.my);
    const j = best % this.my;
    this.setMarker(this.mesh.localToWorld(vertex.fromBufferAttribute(position, best)));
    return { x: view.xs[i]!, y: view.ys[j]!, f: view.values[best]!, i: sampleIndex(view.nx, this.mx, i), j: sampleIndex(view.ny, this.my, j) };
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
    cancelAnimationFrame(this.animationFrame);
    this.controls.dispose();
    for (const child of [...this.scene.children, ...this.retired.splice(0)]) disposeObject(child);
    this.frame = null;
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
    if (this.animationFrame || this.disposed) return;
    this.animationFrame = requestAnimationFrame(() => {
      this.animationFrame = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.disposed) return;
    this.renderer.render(this.scene, this.camera);
    for (const group of this.retired.splice(0)) disposeObject(group);
  }

  /** f's value as a height in box coordinates (0 at the floor, 1 at the top). */
  private heightOf(value: number): number {
    const view = this.view!;
    const [lo, hi] = boxRange(view.min, view.max);
    return (value - lo) / (hi - lo);
  }

  private fillGeometry(): void {
    const view = this.view!;
    const { mx, my } = this;
    const geometry = this.mesh.geometry;
    const position = geometry.getAttribute('position') as BufferAttribute;
    const positions = position.array as Float32Array;
    const { x0, x1, y0, y1 } = this.domain;
    let gaps = false;
    // heightOf's box, once: per point it allocated the range anew (a third of a 300 × 300 view's time).
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
    geometry.computeVertexNormals();
    geometry.computeBoundingSphere();
    this.fillColors();
    this.fillSurfaceLines();
    this.fillContours();
  }

  private fillColors(): void {
    const view = this.view!;
    const color = this.mesh.geometry.getAttribute('color') as BufferAttribute;
    const colors = color.array as Float32Array;
    const table = linearTable(this.style.colormap);
    const domain = colorDomain(this.style.colormap, view.min, view.max);
    for (let k = 0; k < this.mx * this.my; k++) {
      const value = view.values[k]!;
      if (Number.isFinite(value)) writeColor(colors, k * 3, table, colorPosition(domain, value));
      else colors.fill(0.5, k * 3, k * 3 + 3);
    }
    color.needsUpdate = true;
  }

  /** Rows and columns of the surface as lines: a few in ink over the filled surface, or up to 60 each way in the colormap as its wireframe. */
  private fillSurfaceLines(): void {
    const view = this.view!;
    const { mx, my } = this;
    const wireframe = this.style.wireframe;
    const picksOf = (m: number) => {
      const step = Math.max(1, Math.round((m - 1) / (wireframe ? WIREFRAME_LINES : SURFACE_LINES)));
      const picks: number[] = [];
      for (let k = 0; k < m; k += step) picks.push(k);
      if (picks[picks.length - 1] !== m - 1) picks.push(m - 1);
      return picks;
    };
    const rows = picksOf(mx);
    const columns = picksOf(my);
    const vertices = (rows.length * (my - 1) + columns.length * (mx - 1)) * 2;
    const { positions: out, colors } = ensureLineCapacity(this.lines, vertices);
    const source = this.mesh.geometry.getAttribute('position').array as Float32Array;
    const table = linearTable(this.style.colormap);
    const domain = colorDomain(this.style.colormap, view.min, view.max);
    const ink = new Color(SURFACE_INK);
    let w = 0;
    const put = (k: number) => {
      out[w * 3] = source[k * 3]!;
      out[w * 3 + 1] = source[k * 3 + 1]!;
      out[w * 3 + 2] = source[k * 3 + 2]!;
      if (wireframe && Number.isFinite(view.values[k]!)) writeColor(colors, w * 3, table, colorPosition(domain, view.values[k]!));
      else ink.toArray(colors, w * 3);
      w++;
    };
    // A segment with a non-finite end collapses to a point: the line breaks at a gap.
    const segment = (a: number, b: number) => {
      const ok = Number.isFinite(view.values[a]!) && Number.isFinite(view.values[b]!);
      put(a);
      put(ok ? b : a);
    };
    for (const i of rows) for (let j = 0; j < my - 1; j++) segment(i * my + j, i * my + j + 1);
    for (const j of columns) for (let i = 0; i < mx - 1; i++) segment(i * my + j, (i + 1) * my + j);
    this.lines.material.opacity = wireframe ? 1 : 0.35;
    this.lines.material.transparent = !wireframe;
    // Over the filled surface, contour lines take the grid lines' place (as in Plotly): both at once read as a mesh.
    this.lines.visible = wireframe || !this.style.contours;
    this.lines.geometry.computeBoundingSphere();
  }

  /** The contour lines at their height on the surface (in ink) and projected on the floor (in the colormap), as Plotly's contours.z with project.z. */
  private fillContours(): void {
    const view = this.view!;
    const on = this.style.contours;
    this.surfaceContours.visible = on;
    this.floorContours.visible = on;
    if (!on) return;
    const levels = contourLevels(view.min, view.max, this.style.contourLevels);
    const { points, level, count } = marchingSquares(view.values, view.xs, view.ys, levels);
    const onSurface = ensureLineCapacity(this.surfaceContours, count * 2);
    const onFloor = ensureLineCapacity(this.floorContours, count * 2);
    const { x0, x1, y0, y1 } = this.domain;
    const table = linearTable(this.style.colormap);
    const domain = colorDomain(this.style.colormap, view.min, view.max);
    const ink = new Color(SURFACE_INK);
    const heights = levels.map((l) => this.heightOf(l));
    for (let s = 0; s < count; s++) {
      for (let end = 0; end < 2; end++) {
        const v = (s * 2 + end) * 3;
        const x = toWorld(points[s * 4 + end * 2]!, x0, x1);
        const z = -toWorld(points[s * 4 + end * 2 + 1]!, y0, y1);
        onSurface.positions[v] = onFloor.positions[v] = x;
        onSurface.positions[v + 2] = onFloor.positions[v + 2] = z;
        onSurface.positions[v + 1] = heights[level[s]!]!;
        onFloor.positions[v + 1] = 0.002;
        ink.toArray(onSurface.colors, v);
        writeColor(onFloor.colors, v, table, colorPosition(domain, levels[level[s]!]!));
      }
    }
    this.surfaceContours.geometry.computeBoundingSphere();
    this.floorContours.geometry.computeBoundingSphere();
  }

  /** Rebuilds the box when its ticks, height or theme changed (or when `force`d, e.g. once the font has loaded). */
  private rebuildFrame(force = false): void {
    const { x0, x1, y0, y1 } = this.domain;
    const [lo, hi] = this.view ? boxRange(this.view.min, this.view.max) : [0, 1];
    const xTicks = niceTicks(x0, x1, TICKS_PER_AXIS);
    const yTicks = niceTicks(y0, y1, TICKS_PER_AXIS);
    const zTicks = this.view && this.view.max > this.view.min ? niceTicks(lo, hi, TICKS_PER_AXIS) : this.view ? [this.view.min] : [];
    const key = JSON.stringify([xTicks, yTicks, zTicks, x0, x1, y0, y1, lo, hi, this.style.zScale, this.theme]);
    if (!force && key === this.frameKey) return;
    this.frameKey = key;
    // The old box is freed only after the new one is drawn: three.js frees a shader program
    // with its last material, and compiling it again blocks the page (300 ms on a software GPU).
    if (this.frame) {
      this.frame.group.removeFromParent();
      this.retired.push(this.frame.group);
    }
    this.frame = buildFrame({ domain: this.domain, lo, hi, height: HEIGHT * this.style.zScale, xTicks, yTicks, zTicks, theme: this.theme });
    this.tickLabels = { x: xTicks.map(formatTickValue), y: yTicks.map(formatTickValue), z: zTicks.map(formatTickValue) };
    this.scene.add(this.frame.group);
    this.layoutFrame();
    this.requestRender();
  }

  /**
   * Shows the two walls away from the camera and puts the labels on the edges nearest it: x along the front x edge,
   * y along the front y edge, f up the corner at the left of the picture. Called whenever the camera moves.
   */
  private layoutFrame(): void {
    const frame = this.frame;
    if (!frame) return;
    const eye = this.camera.position.clone().sub(this.controls.target);
    const sx = eye.x >= 0 ? 1 : -1;
    const sz = eye.z >= 0 ? 1 : -1;
    frame.walls.xLow.visible = sx > 0;
    frame.walls.xHigh.visible = sx < 0;
    frame.walls.yLow.visible = sz < 0;
    frame.walls.yHigh.visible = sz > 0;
    const { x0, x1, y0, y1 } = this.domain;
    const height = HEIGHT * this.style.zScale;
    const [lo, hi] = this.view ? boxRange(this.view.min, this.view.max) : [0, 1];
    const out = 1.13;
    frame.xTicks.forEach((v, k) => frame.xLabels[k]!.position.set(toWorld(v, x0, x1), 0, sz * out));
    frame.yTicks.forEach((v, k) => frame.yLabels[k]!.position.set(sx * out, 0, -toWorld(v, y0, y1)));
    frame.xTitle.position.set(0, -0.04, sz * (out + 0.22));
    frame.yTitle.position.set(sx * (out + 0.22), -0.04, 0);
    // The f axis goes up the side corner that is further left on screen.
    this.camera.updateMatrixWorld();
    const left = new Vector3(-sx, 0, sz).project(this.camera).x < new Vector3(sx, 0, -sz).project(this.camera).x ? new Vector3(-sx, 0, sz) : new Vector3(sx, 0, -sz);
    // Labels sit outside that corner, along the diagonal away from the box.
    frame.zTicks.forEach((v, k) => {
      const label = frame.zLabels[k]!;
      const y = ((v - lo) / (hi - lo)) * height;
      label.position.set(left.x * 1.02, y, left.z * 1.02);
      const screenLeft = new Vector3(-1, 0, 0).transformDirection(this.camera.matrixWorld);
      label.position.addScaledVector(screenLeft, label.scale.x / 2 + 0.03);
    });
    frame.zTitle.position.set(left.x, height + 0.12, left.z);
  }
}

function buildFrame(options: {
  domain: SurfaceDomain;
  lo: number;
  hi: number;
  height: number;
  xTicks: number[];
  yTicks: number[];
  zTicks: number[];
  theme: SceneTheme;
}): Frame {
  const { domain, lo, hi, height, xTicks, yTicks, zTicks, theme } = options;
  const group = new Group();
  const xs = xTicks.map((v) => toWorld(v, domain.x0, domain.x1));
  const zs = yTicks.map((v) => -toWorld(v, domain.y0, domain.y1));
  const hs = zTicks.map((v) => ((v - lo) / (hi - lo)) * height);
  // The floor: its border in the line colour, the ticks' grid fainter.
  const floorGrid: number[] = [];
  for (const x of xs) floorGrid.push(x, 0, -1, x, 0, 1);
  for (const z of zs) floorGrid.push(-1, 0, z, 1, 0, z);
  const border = [-1, 0, -1, 1, 0, -1, 1, 0, -1, 1, 0, 1, 1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, -1];
  group.add(segments(floorGrid, theme.grid), segments(border, theme.inkSoft, 0.6));
  // A wall at x = side: vertical lines at the y ticks, horizontal at the f ticks, and its outline.
  const xWall = (side: number) => {
    const points: number[] = [];
    for (const z of zs) points.push(side, 0, z, side, height, z);
    for (const h of hs) points.push(side, h, -1, side, h, 1);
    const wall = new Group();
    wall.add(segments(points, theme.grid), segments([side, 0, -1, side, height, -1, side, 0, 1, side, height, 1, side, height, -1, side, height, 1], theme.grid));
    return wall;
  };
  const zWall = (side: number) => {
    const points: number[] = [];
    for (const x of xs) points.push(x, 0, side, x, height, side);
    for (const h of hs) points.push(-1, h, side, 1, h, side);
    const wall = new Group();
    wall.add(segments(points, theme.grid), segments([-1, 0, side, -1, height, side, 1, 0, side, 1, height, side, -1, height, side, 1, height, side], theme.grid));
    return wall;
  };
  const walls = { xLow: xWall(-1), xHigh: xWall(1), yLow: zWall(1), yHigh: zWall(-1) };
  group.add(walls.xLow, walls.xHigh, walls.yLow, walls.yHigh);
  const scale = theme.labelScale;
  const label = (text: string, size: number, color: string, weight?: number) => {
    const sprite = labelSprite(text, size * scale, color, weight);
    group.add(sprite);
    return sprite;
  };
  return {
    group,
    walls,
    xLabels: xTicks.map((v) => label(formatTickValue(v), 0.12, theme.inkSoft, 400)),
    yLabels: yTicks.map((v) => label(formatTickValue(v), 0.12, theme.inkSoft, 400)),
    zLabels: zTicks.map((v) => label(formatTickValue(v), 0.12, theme.inkSoft, 400)),
    xTitle: label('x', 0.16, theme.accent),
    yTitle: label('y', 0.16, theme.accent),
    zTitle: label('f(x, y)', 0.13, theme.accent),
    xTicks,
    yTicks,
    zTicks,
  };
}

function makeGridGeometry(mx: number, my: number): BufferGeometry {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(mx * my * 3), 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(mx * my * 3), 3));
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
