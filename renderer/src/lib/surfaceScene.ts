// The 3D surface of f(x, y) with three.js, drawn as Plotly draws one: the
// scene that composes the surface (surfaceMesh.ts), the lines on it
// (surfaceLines.ts), the box with its grid and labels (surfaceBox.ts), the
// camera and its orbit (surfaceCamera.ts), the hover pick
// (surfaceHover.ts) and the marker of a run's max or min (surfaceAnswer.ts),
// in the page's theme (surfaceTheme.ts). This module owns
// the renderer and the render loop, and decides what each change redraws.
//
// It draws only when something changed (the controls move, data, style or
// theme arrive, the size changes), never in an idle loop. dispose() frees
// every GPU object it made, once.

import { AmbientLight, Color, DirectionalLight, Group, Scene, SRGBColorSpace, Vector3, WebGLRenderer } from 'three';
import type { SurfaceView } from '../../../main/contract';
import { disposeObject } from './disposeObject';
import { SurfaceBox, type AxisLabels, type BoxSettings } from './surfaceBox';
import { SurfaceCamera } from './surfaceCamera';
import { HEIGHT, plotPoint } from './surfaceCoordinates';
import { SurfaceAnswerMarker } from './surfaceAnswer';
import { SurfaceHover, type Readout } from './surfaceHover';
import { SurfaceLines } from './surfaceLines';
import { SurfaceMesh } from './surfaceMesh';
import { defaultSurfaceStyle, type SurfaceStyle } from './surfaceStyle';
import { LIGHT_THEME, type SceneTheme } from './surfaceTheme';
import { domainOf, sameDomain, sameDrawing, type SurfaceDomain } from './surfaceView';

export class SurfaceScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly view3d: SurfaceCamera;
  /**
   * The surface, its lines and contours, in box coordinates: y is 0..1 from the box's floor to its top, scaled to the
   * box's height.
   */
  private readonly plot = new Group();
  private readonly surface = new SurfaceMesh();
  private readonly lines = new SurfaceLines();
  private readonly box = new SurfaceBox(this.scene);
  private readonly hover = new SurfaceHover(() => this.requestRender());
  private readonly answerMarker = new SurfaceAnswerMarker();
  /** The point of the grid the marker shows (a run's max or min), or null. */
  private answer: { x: number; y: number; f: number } | null = null;
  private view: SurfaceView | null = null;
  private domain: SurfaceDomain = { x0: -1, x1: 1, y0: -1, y1: 1 };
  private style: SurfaceStyle = defaultSurfaceStyle();
  private theme: SceneTheme = LIGHT_THEME;
  private animationFrame = 0;
  private disposed = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the last frame stays readable for PNG export and pixel checks.
    this.renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.scene.background = new Color(this.theme.background);

    this.scene.add(new AmbientLight(0xffffff, 1.9));
    const sun = new DirectionalLight(0xffffff, 1.1);
    sun.position.set(1.5, 3, 2);
    this.scene.add(sun);

    this.plot.add(this.surface.mesh, ...this.lines.objects());
    this.plot.scale.y = HEIGHT * this.style.zScale;
    this.scene.add(this.plot, this.hover.marker, this.answerMarker.object);

    this.view3d = new SurfaceCamera(canvas, () => {
      this.layoutFrame();
      this.requestRender();
    });
    this.view3d.fit(this.style.zScale);
    this.rebuildFrame();
    // Labels are drawn with the bundled font once it has loaded.
    void document.fonts?.ready.then(() => {
      if (this.disposed) return;
      this.rebuildFrame(true);
    });
  }

  /** The tick labels on the x, y and f axes as the box draws them now. */
  axisLabels(): AxisLabels {
    return this.box.axisLabels();
  }

  /** Shows a grid view over its domain; the same size updates the geometry in place. */
  setView(view: SurfaceView, domain: SurfaceDomain = domainOf(view)): void {
    // A run's grid after the preview of the same points draws the same picture: keep it, and the page's 50–100 ms.
    if (this.view && sameDrawing(this.view, view) && sameDomain(this.domain, domain)) {
      this.view = view;
      return;
    }
    this.view = view;
    this.domain = domain;
    this.surface.setView(view, domain);
    this.surface.fillColors(view, this.style.colormap);
    this.lines.fillSurfaceLines(view, this.surface, this.style);
    this.lines.fillContours(view, domain, this.style);
    this.hover.hide();
    this.placeAnswer();
    this.rebuildFrame();
    this.requestRender();
  }

  /** Marks a point of the grid (a run's max or min at x, y with its value f) on the surface; null takes it away. */
  setAnswer(answer: { x: number; y: number; f: number } | null): void {
    this.answer = answer;
    this.placeAnswer();
    this.requestRender();
  }

  /** Where the answer's marker is on the canvas (CSS pixels from its top left), or null when none is shown. */
  answerOnCanvas(): { x: number; y: number } | null {
    if (!this.answerMarker.object.visible) return null;
    const ndc = this.answerMarker.object.position.clone().project(this.view3d.camera);
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((ndc.x + 1) / 2) * rect.width, y: ((1 - ndc.y) / 2) * rect.height };
  }

  setStyle(style: SurfaceStyle): void {
    const before = this.style;
    this.style = { ...style };
    if (style.zScale !== before.zScale) {
      this.plot.scale.y = HEIGHT * style.zScale;
      this.hover.hide();
      this.placeAnswer();
      this.rebuildFrame();
      this.view3d.zScaleChanged(style.zScale);
    }
    const view = this.view;
    if (view) {
      if (style.colormap !== before.colormap) this.surface.fillColors(view, style.colormap);
      if (
        style.colormap !== before.colormap ||
        style.wireframe !== before.wireframe ||
        style.contours !== before.contours
      )
        this.lines.fillSurfaceLines(view, this.surface, this.style);
      if (
        style.colormap !== before.colormap ||
        style.contours !== before.contours ||
        style.contourLevels !== before.contourLevels
      )
        this.lines.fillContours(view, this.domain, this.style);
    }
    this.surface.mesh.visible = !style.wireframe;
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
    this.view3d.resize(width, height, this.style.zScale);
    this.layoutFrame();
    this.requestRender();
  }

  resetView(): void {
    this.view3d.reset(this.style.zScale);
    this.requestRender();
  }

  /** The grid point under the pointer (canvas pixel coordinates), or null. */
  pick(clientX: number, clientY: number): Readout | null {
    return this.hover.pick(this.canvas, clientX, clientY, this.view3d.camera, this.surface, this.view);
  }

  clearPick(): void {
    this.hover.clear();
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
    this.view3d.dispose();
    for (const child of [...this.scene.children]) disposeObject(child);
    this.box.dispose();
    this.renderer.dispose();
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
    this.renderer.render(this.scene, this.view3d.camera);
    this.box.freeRetired();
  }

  /** Puts the answer's marker at its point in world coordinates, through the plot's z-scale. */
  private placeAnswer(): void {
    if (!this.answer || !this.view) return this.answerMarker.place(null);
    const [x, h, z] = plotPoint(this.answer, this.view, this.domain);
    this.plot.updateMatrixWorld();
    const point = this.plot.localToWorld(new Vector3(x, h, z));
    const floor = this.plot.localToWorld(new Vector3(x, 0, z));
    this.answerMarker.place(point, floor.y);
  }

  private boxSettings(): BoxSettings {
    return { domain: this.domain, view: this.view, zScale: this.style.zScale, theme: this.theme };
  }

  /** Rebuilds the box when its ticks, height or theme changed (or when `force`d, e.g. once the font has loaded). */
  private rebuildFrame(force = false): void {
    if (!this.box.rebuild(this.boxSettings(), force)) return;
    this.layoutFrame();
    this.requestRender();
  }

  /** Puts the box's walls and labels where the camera sees them; called whenever the camera moves. */
  private layoutFrame(): void {
    this.box.layout(this.view3d.camera, this.view3d.controls.target, this.boxSettings());
  }
}
