// The lines that lie on the surface: its rows and columns (a few in ink over
// the filled surface, or the wireframe in the colormap) and the contour lines
// at their height on the surface and projected on the box's floor, as
// Plotly's contours.z with project.z. Their buffers are reused while large
// enough and replaced (twice as large, the old freed) when they must grow.

import { BufferAttribute, BufferGeometry, Color, LineBasicMaterial, LineSegments, type Object3D } from 'three';
import type { SurfaceView } from '../../../main/contract';
import { colorDomain, colorPosition } from './colormap';
import { contourLevels, marchingSquares } from './contours';
import { boxRange, toWorld } from './surfaceCoordinates';
import { linearTable, SURFACE_INK, writeColor } from './surfaceColors';
import type { SurfaceMesh } from './surfaceMesh';
import type { SurfaceStyle } from './surfaceStyle';
import type { SurfaceDomain } from './surfaceView';

/** Lines drawn on the filled surface in each direction, and at most in the wireframe. */
const SURFACE_LINES = 12;
const WIREFRAME_LINES = 60;

export class SurfaceLines {
  private readonly lines: LineSegments<BufferGeometry, LineBasicMaterial>;
  private readonly surfaceContours: LineSegments<BufferGeometry, LineBasicMaterial>;
  private readonly floorContours: LineSegments<BufferGeometry, LineBasicMaterial>;

  constructor() {
    this.lines = new LineSegments(
      new BufferGeometry(),
      new LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.35 }),
    );
    this.surfaceContours = new LineSegments(
      new BufferGeometry(),
      new LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.75 }),
    );
    this.floorContours = new LineSegments(new BufferGeometry(), new LineBasicMaterial({ vertexColors: true }));
  }

  /** The three line sets, to add to the plot beside the mesh. */
  objects(): Object3D[] {
    return [this.lines, this.surfaceContours, this.floorContours];
  }

  /**
   * Rows and columns of the surface as lines: a few in ink over the filled surface, or up to 60 each way in the
   * colormap as its wireframe.
   */
  fillSurfaceLines(view: SurfaceView, surface: SurfaceMesh, style: SurfaceStyle): void {
    const { mx, my } = surface;
    const wireframe = style.wireframe;
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
    const source = surface.positions();
    const table = linearTable(style.colormap);
    const domain = colorDomain(style.colormap, view.min, view.max);
    const ink = new Color(SURFACE_INK);
    let w = 0;
    const put = (k: number) => {
      out[w * 3] = source[k * 3]!;
      out[w * 3 + 1] = source[k * 3 + 1]!;
      out[w * 3 + 2] = source[k * 3 + 2]!;
      if (wireframe && Number.isFinite(view.values[k]!))
        writeColor(colors, w * 3, table, colorPosition(domain, view.values[k]!));
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
    this.lines.visible = wireframe || !style.contours;
    this.lines.geometry.computeBoundingSphere();
  }

  /**
   * The contour lines at their height on the surface (in ink) and projected on the floor (in the colormap), as Plotly's
   * contours.z with project.z.
   */
  fillContours(view: SurfaceView, gridDomain: SurfaceDomain, style: SurfaceStyle): void {
    const on = style.contours;
    this.surfaceContours.visible = on;
    this.floorContours.visible = on;
    if (!on) return;
    const levels = contourLevels(view.min, view.max, style.contourLevels);
    const { points, level, count } = marchingSquares(view.values, view.xs, view.ys, levels);
    const onSurface = ensureLineCapacity(this.surfaceContours, count * 2);
    const onFloor = ensureLineCapacity(this.floorContours, count * 2);
    const { x0, x1, y0, y1 } = gridDomain;
    const table = linearTable(style.colormap);
    const domain = colorDomain(style.colormap, view.min, view.max);
    const ink = new Color(SURFACE_INK);
    // Each level's height in box coordinates (0 at the floor, 1 at the top).
    const [lo, hi] = boxRange(view.min, view.max);
    const heights = levels.map((l) => (l - lo) / (hi - lo));
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
}

/**
 * Gives `lines` room for `vertices` points with a colour each: the same geometry while it is large enough, else a new
 * one (twice as large) and the old one freed.
 */
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
