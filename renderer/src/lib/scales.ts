// The scales the lab reads through: the grid-size slider (a log scale over
// the range AppInfo.limits gives, where each decade gets the same travel),
// the charts' axes (decade ticks) and the surface's linear axes (1-2-5 ticks).

import { ticks } from 'd3-array';
import type { GridLimits } from '../../../compute/limits';

/** The grid-size slider's ends, as the engine defines them (compute/limits.ts, sent in AppInfo.limits). */
export type SliderRange = Pick<GridLimits, 'sliderMin' | 'sliderMax'>;

/** Slider positions: fine enough that every n up to a few hundred is reachable. */
export const SLIDER_STEPS = 1000;

export function sliderToN(position: number, range: SliderRange): number {
  const t = Math.min(1, Math.max(0, position / SLIDER_STEPS));
  return Math.round(range.sliderMin * Math.pow(range.sliderMax / range.sliderMin, t));
}

export function nToSlider(n: number, range: SliderRange): number {
  return Math.round(
    (SLIDER_STEPS * Math.log(clampToSlider(n, range) / range.sliderMin)) / Math.log(range.sliderMax / range.sliderMin),
  );
}

/** n kept within the slider's ends. */
export function clampToSlider(n: number, range: SliderRange): number {
  return Math.min(range.sliderMax, Math.max(range.sliderMin, n));
}

/** The powers of ten from the slider's low end to its high end, where its scale is labelled. */
export function sliderDecades(range: SliderRange): number[] {
  const decades: number[] = [];
  for (let e = Math.ceil(Math.log10(range.sliderMin)); Math.pow(10, e) <= range.sliderMax; e++)
    decades.push(Math.pow(10, e));
  return decades;
}

export interface LogAxis {
  /** Powers of ten bounding the data. */
  min: number;
  max: number;
  ticks: number[];
  /** 0..1 along the axis. */
  position(value: number): number;
}

/** A log axis from the decade at or below the smallest value to the one at or above the largest. */
export function logAxis(values: readonly number[]): LogAxis {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = positive.length ? Math.min(...positive) : 1;
  const hi = positive.length ? Math.max(...positive) : 10;
  let minExp = Math.floor(Math.log10(lo));
  let maxExp = Math.ceil(Math.log10(hi));
  if (maxExp <= minExp) maxExp = minExp + 1;
  // Too many decades crowd the labels: keep every other one.
  const stride = maxExp - minExp > 8 ? 2 : 1;
  minExp -= (maxExp - minExp) % stride;
  const ticks: number[] = [];
  for (let e = minExp; e <= maxExp; e += stride) ticks.push(Math.pow(10, e));
  const min = Math.pow(10, minExp);
  const max = Math.pow(10, maxExp);
  const span = Math.log10(max / min);
  return {
    min,
    max,
    ticks,
    position: (value) => (value > 0 ? Math.min(1, Math.max(0, Math.log10(value / min) / span)) : 0),
  };
}

/**
 * About `count` round values (1, 2 or 5 times a power of ten) inside [lo, hi], as d3 and Plotly choose them.
 * Reversed bounds give the same ticks; a flat range gives that one value.
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  if (a === b) return [a];
  return ticks(a, b, count);
}

/** An axis as a chart lays it out: its ticks, and where a value falls along it (0 to 1). */
export interface PlacedAxis {
  readonly ticks: readonly number[];
  position(value: number): number;
}

/** Where values fall in a chart's SVG: its axes mapped into the plot, inside the margins, y upwards. */
export interface PlotScales {
  xTicks: readonly number[];
  yTicks: readonly number[];
  xPos: (value: number) => number;
  yPos: (value: number) => number;
}

export function plotScales(
  axes: { xAxis: PlacedAxis; yAxis: PlacedAxis },
  margins: { left: number; right: number; top: number; bottom: number },
  width: number,
  height: number,
): PlotScales {
  const { xAxis, yAxis } = axes;
  return {
    xTicks: xAxis.ticks,
    yTicks: yAxis.ticks,
    xPos: (value) => margins.left + xAxis.position(value) * (width - margins.left - margins.right),
    yPos: (value) => margins.top + (1 - yAxis.position(value)) * (height - margins.top - margins.bottom),
  };
}
