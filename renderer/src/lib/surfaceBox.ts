// The box around the surface, as Plotly draws one: a floor and two back walls
// carrying the 1-2-5 grid (the walls away from the camera, so no line of the
// box ever crosses the surface), tick labels along the edges nearest the
// camera and the axis titles, in the page theme's colours. Everything here
// depends on the axes, the box's height and the theme, and is rebuilt
// together when one of them changes; a replaced box is freed only after its
// successor has been drawn (freeRetired, after a render).

import {
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  Group,
  LineBasicMaterial,
  LineSegments,
  SRGBColorSpace,
  Sprite,
  SpriteMaterial,
  Vector3,
  type Object3D,
  type PerspectiveCamera,
} from 'three';
import type { SurfaceView } from '../../../main/contract';
import { disposeObject } from './disposeObject';
import { formatTickValue } from './format';
import { niceTicks } from './scales';
import { boxRange, HEIGHT, toWorld } from './surfaceCoordinates';
import type { SceneTheme } from './surfaceTheme';
import type { SurfaceDomain } from './surfaceView';

/** Ticks asked of d3 per axis: it returns about this many 1-2-5 values. */
const TICKS_PER_AXIS = 5;

export interface AxisLabels {
  x: string[];
  y: string[];
  z: string[];
}

/**
 * What the box is drawn for: the grid's domain, f's range (none before the first view), the box's height and the theme.
 */
export interface BoxSettings {
  domain: SurfaceDomain;
  view: SurfaceView | null;
  zScale: number;
  theme: SceneTheme;
}

/**
 * The box's grid, walls and labels: everything that depends on the axes, the height and the theme, rebuilt together
 * when one of them changes.
 */
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

export class SurfaceBox {
  private frame: Frame | null = null;
  private frameKey = '';
  /**
   * The tick labels the box shows on each axis, as drawn (the page describes them in text: a canvas says nothing to a
   * screen reader).
   */
  private tickLabels: AxisLabels = { x: [], y: [], z: [] };
  /** Boxes replaced since the last render, freed once their successors have been drawn. */
  private readonly retired: Object3D[] = [];

  /** `parent` is where the box is added (the scene). */
  constructor(private readonly parent: Object3D) {}

  /** The tick labels on the x, y and f axes as the box draws them now. */
  axisLabels(): AxisLabels {
    return this.tickLabels;
  }

  /**
   * Rebuilds the box when its ticks, height or theme changed (or when `force`d, e.g. once the font has loaded); says
   * whether it did.
   */
  rebuild(settings: BoxSettings, force = false): boolean {
    const { x0, x1, y0, y1 } = settings.domain;
    const view = settings.view;
    const [lo, hi] = view ? boxRange(view.min, view.max) : [0, 1];
    const xTicks = niceTicks(x0, x1, TICKS_PER_AXIS);
    const yTicks = niceTicks(y0, y1, TICKS_PER_AXIS);
    const zTicks = view && view.max > view.min ? niceTicks(lo, hi, TICKS_PER_AXIS) : view ? [view.min] : [];
    const key = JSON.stringify([xTicks, yTicks, zTicks, x0, x1, y0, y1, lo, hi, settings.zScale, settings.theme]);
    if (!force && key === this.frameKey) return false;
    this.frameKey = key;
    // The old box is freed only after the new one is drawn: three.js frees a shader program
    // with its last material, and compiling it again blocks the page (300 ms on a software GPU).
    if (this.frame) {
      this.frame.group.removeFromParent();
      this.retired.push(this.frame.group);
    }
    this.frame = buildFrame({
      domain: settings.domain,
      lo,
      hi,
      height: HEIGHT * settings.zScale,
      xTicks,
      yTicks,
      zTicks,
      theme: settings.theme,
    });
    this.tickLabels = {
      x: xTicks.map(formatTickValue),
      y: yTicks.map(formatTickValue),
      z: zTicks.map(formatTickValue),
    };
    this.parent.add(this.frame.group);
    return true;
  }

  /**
   * Shows the two walls away from the camera and puts the labels on the edges nearest it: x along the front x edge,
   * y along the front y edge, f up the corner at the left of the picture. Called whenever the camera moves.
   */
  layout(camera: PerspectiveCamera, target: Vector3, settings: BoxSettings): void {
    const frame = this.frame;
    if (!frame) return;
    const eye = camera.position.clone().sub(target);
    const sx = eye.x >= 0 ? 1 : -1;
    const sz = eye.z >= 0 ? 1 : -1;
    frame.walls.xLow.visible = sx > 0;
    frame.walls.xHigh.visible = sx < 0;
    frame.walls.yLow.visible = sz < 0;
    frame.walls.yHigh.visible = sz > 0;
    const { x0, x1, y0, y1 } = settings.domain;
    const height = HEIGHT * settings.zScale;
    const [lo, hi] = settings.view ? boxRange(settings.view.min, settings.view.max) : [0, 1];
    const out = 1.13;
    frame.xTicks.forEach((v, k) => frame.xLabels[k]!.position.set(toWorld(v, x0, x1), 0, sz * out));
    frame.yTicks.forEach((v, k) => frame.yLabels[k]!.position.set(sx * out, 0, -toWorld(v, y0, y1)));
    frame.xTitle.position.set(0, -0.04, sz * (out + 0.22));
    frame.yTitle.position.set(sx * (out + 0.22), -0.04, 0);
    // The f axis goes up the side corner that is further left on screen.
    camera.updateMatrixWorld();
    const left =
      new Vector3(-sx, 0, sz).project(camera).x < new Vector3(sx, 0, -sz).project(camera).x
        ? new Vector3(-sx, 0, sz)
        : new Vector3(sx, 0, -sz);
    // Labels sit outside that corner, along the diagonal away from the box.
    frame.zTicks.forEach((v, k) => {
      const label = frame.zLabels[k]!;
      const y = ((v - lo) / (hi - lo)) * height;
      label.position.set(left.x * 1.02, y, left.z * 1.02);
      const screenLeft = new Vector3(-1, 0, 0).transformDirection(camera.matrixWorld);
      label.position.addScaledVector(screenLeft, label.scale.x / 2 + 0.03);
    });
    frame.zTitle.position.set(left.x, height + 0.12, left.z);
  }

  /** Frees the boxes replaced before the frame just drawn. */
  freeRetired(): void {
    for (const group of this.retired.splice(0)) disposeObject(group);
  }

  /** Frees the replaced boxes; the current one is the parent's to free, with the rest of the scene. */
  dispose(): void {
    this.freeRetired();
    this.frame = null;
  }
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
  const sprite = new Sprite(
    new SpriteMaterial({ map: texture, transparent: true, depthWrite: false, depthTest: false }),
  );
  sprite.scale.set((size * width) / canvas.height, size, 1);
  sprite.renderOrder = 3;
  return sprite;
}

function segments(points: number[], color: string, opacity = 1): LineSegments {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(points), 3));
  return new LineSegments(geometry, new LineBasicMaterial({ color, transparent: opacity < 1, opacity }));
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
    wall.add(
      segments(points, theme.grid),
      segments(
        [side, 0, -1, side, height, -1, side, 0, 1, side, height, 1, side, height, -1, side, height, 1],
        theme.grid,
      ),
    );
    return wall;
  };
  const zWall = (side: number) => {
    const points: number[] = [];
    for (const x of xs) points.push(x, 0, side, x, height, side);
    for (const h of hs) points.push(-1, h, side, 1, h, side);
    const wall = new Group();
    wall.add(
      segments(points, theme.grid),
      segments(
        [-1, 0, side, -1, height, side, 1, 0, side, 1, height, side, -1, height, side, 1, height, side],
        theme.grid,
      ),
    );
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
