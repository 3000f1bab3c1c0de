// The sweep chart's geometry: log-log axes over n and a measured figure, one
// polyline per strategy, where each strategy stopped fitting. Pure functions
// over plain records, so the drawing (SweepChart.svelte) only places what
// this computes, and a test can pin it down.

import type { RunRecord, StrategyName, SweepEntry } from '../../../main/contract';
import { logAxis, type LogAxis } from '../lib/scales';

export type SweepMetric = 'time' | 'memory';

export interface ChartPoint {
  n: number;
  value: number;
  x: number;
  y: number;
}

export interface ChartLine {
  strategy: string;
  points: ChartPoint[];
  /** SVG path data through the points, in order of n. */
  path: string;
}

export interface RefusedMark {
  strategy: string;
  n: number;
  neededBytes: number;
  x: number;
  /** Where the mark sits: its bytes on the memory chart, the top edge on the time chart. */
  y: number;
  /** Where its label sits: moved down from the mark's height until it clears the labels above it. */
  labelY: number;
}

/** Vertical room one label needs, in pixels. */
export const LABEL_GAP = 16;

export interface ChartLayout {
  xAxis: LogAxis;
  yAxis: LogAxis;
  lines: ChartLine[];
  /** The physical floor (the 'limit' records), drawn apart from the strategies. */
  floor: ChartLine | null;
  refused: RefusedMark[];
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function metricOf(record: RunRecord, metric: SweepMetric): number {
  return metric === 'time' ? record.medianMs : (record.peakBytes ?? NaN);
}

/**
 * The n axis spans exactly the sizes swept (a sweep's ends are the user's), ticked at its ends and the decades between.
 */
export function sizeAxis(sizes: readonly number[]): LogAxis {
  const min = Math.min(...sizes);
  // A sweep of one size still needs an axis with length.
  const max = Math.max(...sizes) > min ? Math.max(...sizes) : min * 10;
  const span = Math.log10(max / min) || 1;
  const ticks = [min];
  for (let e = Math.ceil(Math.log10(min)); Math.pow(10, e) < max; e++) {
    const decade = Math.pow(10, e);
    // A decade right beside an end would print over it.
    if (Math.log10(decade / min) / span > 0.08 && Math.log10(max / decade) / span > 0.08) ticks.push(decade);
  }
  ticks.push(max);
  return {
    min,
    max,
    ticks: [...new Set(ticks)],
    position: (value) => (value > 0 ? Math.min(1, Math.max(0, Math.log10(value / min) / span)) : 0),
  };
}

/** Lays out a sweep's entries in a frame (pixels): x = n, y = the metric, both log. */
export function layoutSweep(
  entries: readonly SweepEntry[],
  sizes: readonly number[],
  metric: SweepMetric,
  frame: Frame,
): ChartLayout {
  const records = entries.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
  const values = records.map((r) => metricOf(r, metric));
  // Refusals need their bytes on the memory chart; on the time chart they sit at the top edge.
  if (metric === 'memory') for (const e of entries) if (e.kind === 'refused') values.push(e.neededBytes);
  const xAxis = sizeAxis(sizes.length ? sizes : [10, 1000]);
  const yAxis = logAxis(values);
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const xOf = (n: number) => frame.left + xAxis.position(n) * plotW;
  const yOf = (v: number) => frame.top + (1 - yAxis.position(v)) * plotH;
  const lineOf = (strategy: string, rs: RunRecord[]): ChartLine => {
    const points = rs
      .map((r) => ({ n: r.nx, value: metricOf(r, metric) }))
      .filter((p) => Number.isFinite(p.value) && p.value > 0)
      .sort((a, b) => a.n - b.n)
      .map((p) => ({ ...p, x: xOf(p.n), y: yOf(p.value) }));
    const path = points.map((p, k) => `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    return { strategy, points, path };
  };
  const strategies = [...new Set(records.map((r) => r.strategy))].filter((s) => s !== 'limit');
  const floorRecords = records.filter((r) => r.strategy === 'limit');
  const refused = entries.flatMap((e) => {
    if (e.kind !== 'refused') return [];
    const y = metric === 'memory' ? yOf(e.neededBytes) : frame.top + 10;
    return [{ strategy: e.strategy, n: e.nx, neededBytes: e.neededBytes, x: xOf(e.nx), y, labelY: y }];
  });
  // Labels of marks at nearly the same height would print over each other: stack them.
  let lowest = -Infinity;
  for (const mark of [...refused].sort((a, b) => a.y - b.y)) {
    mark.labelY = Math.max(mark.y, lowest + LABEL_GAP);
    lowest = mark.labelY;
  }
  return {
    xAxis,
    yAxis,
    lines: strategies.map((s) =>
      lineOf(
        s,
        records.filter((r) => r.strategy === s),
      ),
    ),
    floor: floorRecords.length ? lineOf('limit', floorRecords) : null,
    refused,
  };
}

/**
 * Okabe–Ito colours (told apart by most colour-blind readers), one per strategy in the lesson's order; checked
 * against the strategy union, so a new strategy without a colour does not build. Looked up by a record's name.
 */
export const STRATEGY_COLOURS: Readonly<Record<string, string>> = {
  loops: '#D55E00',
  naive: '#999999',
  meshgrid: '#0072B2',
  'meshgrid-eager': '#56B4E9',
  vmap: '#009E73',
  pmap: '#CC79A7',
  gpu: '#E69F00',
  // The Python peers are the yardsticks: black, told apart by their dashes.
  numpy: '#000000',
  'jax-vmap': '#000000',
  'jax-pmap': '#000000',
} satisfies Record<StrategyName, string>;

/** Dash patterns, so lines differ without colour too; one per strategy, checked as the colours are. */
export const STRATEGY_DASHES: Readonly<Record<string, string>> = {
  loops: '',
  naive: '2 4',
  meshgrid: '',
  'meshgrid-eager': '8 4',
  vmap: '',
  pmap: '12 4 2 4',
  gpu: '4 4',
  numpy: '1 3',
  'jax-vmap': '6 2',
  'jax-pmap': '10 2 2 2',
} satisfies Record<StrategyName, string>;
