// The surface's colormaps, taken from d3-scale-chromatic (the schemes of
// matplotlib and ColorBrewer as d3 publishes them), never hand-typed tables.
// Viridis, cividis and magma are perceptually uniform and read in grey and
// to colour-blind eyes; grey prints; the diverging map puts white at f = 0
// so the sign of f is what the eye reads. A colormap maps t in 0..1; the
// colour domain (which value is t = 0, which t = 1) is decided here too,
// because a diverging map is centred on 0 and so needs a symmetric domain.

import { color as parseColor } from 'd3-color';
import {
  interpolateCividis,
  interpolateGreys,
  interpolateMagma,
  interpolateRdBu,
  interpolateViridis,
} from 'd3-scale-chromatic';

export type ColormapName = 'viridis' | 'cividis' | 'magma' | 'grey' | 'diverging';

interface Colormap {
  label: string;
  /** CSS colour for t in 0..1, low to high. */
  interpolate(t: number): string;
  /** Centred on 0: the domain is [-m, m] with m the largest |f|. */
  centredOnZero: boolean;
}

export const COLORMAPS: Record<ColormapName, Colormap> = {
  viridis: { label: 'viridis', interpolate: interpolateViridis, centredOnZero: false },
  cividis: { label: 'cividis', interpolate: interpolateCividis, centredOnZero: false },
  magma: { label: 'magma', interpolate: interpolateMagma, centredOnZero: false },
  // Greys runs white to black; read backwards (dark low, light high) and stopped short of white, so a peak stays
  // visible on a white page.
  grey: { label: 'grey', interpolate: (t) => interpolateGreys(0.98 - 0.88 * t), centredOnZero: false },
  // RdBu runs red to blue; read backwards, negative f is blue and positive red, as in Plotly's and matplotlib's
  // "RdBu_r".
  diverging: { label: 'diverging (0 = white)', interpolate: (t) => interpolateRdBu(1 - t), centredOnZero: true },
};

export const COLORMAP_NAMES = Object.keys(COLORMAPS) as ColormapName[];

/**
 * The values at t = 0 and t = 1: the data's range, or for a map centred on 0 the symmetric range around 0 that holds
 * it.
 */
export function colorDomain(name: ColormapName, min: number, max: number): [number, number] {
  if (!COLORMAPS[name].centredOnZero) return [min, max];
  const extent = Math.max(Math.abs(min), Math.abs(max));
  return extent > 0 ? [-extent, extent] : [-1, 1];
}

/** Where a value falls in the colour domain, 0..1 (clamped; a flat domain reads as the middle). */
export function colorPosition(domain: readonly [number, number], value: number): number {
  const [lo, hi] = domain;
  if (!(hi > lo)) return 0.5;
  return Math.min(1, Math.max(0, (value - lo) / (hi - lo)));
}

/** RGB in 0..1 (sRGB) for t in 0..1 (clamped). */
export function colormapRgb(name: ColormapName, t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const rgb = parseColor(COLORMAPS[name].interpolate(x))!.rgb();
  return [rgb.r / 255, rgb.g / 255, rgb.b / 255];
}

export function colormapCss(name: ColormapName, t: number): string {
  const [r, g, b] = colormapRgb(name, t).map((v) => Math.round(v * 255));
  return `rgb(${r}, ${g}, ${b})`;
}

export const TABLE_SIZE = 256;
const tables = new Map<ColormapName, Float32Array>();

/**
 * The map sampled at 256 points, sRGB in 0..1, three floats per entry: what the surface's vertex colours read. Made
 * once per map.
 */
export function colormapTable(name: ColormapName): Float32Array {
  let table = tables.get(name);
  if (!table) {
    table = new Float32Array(TABLE_SIZE * 3);
    for (let k = 0; k < TABLE_SIZE; k++) table.set(colormapRgb(name, k / (TABLE_SIZE - 1)), k * 3);
    tables.set(name, table);
  }
  return table;
}
