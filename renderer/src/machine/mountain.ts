// The memory mountain for this formula: a size sweep's cost per point (ns)
// against the working set (the output's bytes, nx·ny·itemsize), both log
// scales, one line per strategy, with this machine's L1, L2 and L3 sizes
// marked where the OS reported them. The cost per point steps up as the
// output leaves each cache. Pure functions over sweep records; the chart
// (MountainChart.svelte) only places what this computes.

import type { RunRecord, SweepEntry } from '../../../main/contract';
import type { Caches, CacheLevel } from '../../../compute/machine/types';
import { logAxis, type LogAxis } from '../lib/scales';

const ITEM_BYTES = { float32: 4, float64: 8 } as const;
const CACHE_LEVELS: readonly CacheLevel[] = ['L1', 'L2', 'L3'];

export interface MountainPoint {
  /** The output's bytes: nx · ny · itemsize. */
  bytes: number;
  nsPerPoint: number;
  /** The sweep's size (nx). */
  n: number;
}

export interface MountainLine {
  strategy: string;
  points: MountainPoint[];
}

export interface CacheMark {
  level: CacheLevel;
  bytes: number;
}

export interface MountainLayout {
  xAxis: LogAxis;
  yAxis: LogAxis;
  lines: MountainLine[];
  caches: CacheMark[];
}

/**
 * A record's place on the mountain: the output's bytes, and its median time per output point in ns (naive's output is
 * n points).
 */
export function mountainPoint(r: RunRecord): MountainPoint {
  const points = r.shape.reduce((a, b) => a * b, 1);
  return { bytes: points * ITEM_BYTES[r.dtype], nsPerPoint: (r.medianMs * 1e6) / points, n: r.nx };
}

/**
 * One line per strategy (the floor's among them: it only writes), smallest working set first, and the caches to
 * mark.
 */
export function layoutMountain(entries: readonly SweepEntry[], caches: Caches | null): MountainLayout {
  const records = entries.flatMap((e) =>
    e.kind === 'record' && !e.record.shapeError && e.record.medianMs > 0 ? [e.record] : [],
  );
  const byStrategy = new Map<string, MountainPoint[]>();
  for (const r of records) byStrategy.set(r.strategy, [...(byStrategy.get(r.strategy) ?? []), mountainPoint(r)]);
  const lines = [...byStrategy].map(([strategy, points]) => ({
    strategy,
    points: points.sort((a, b) => a.bytes - b.bytes),
  }));
  const marks = CACHE_LEVELS.flatMap((level) => (caches?.[level] ? [{ level, bytes: caches[level]! }] : []));
  const all = lines.flatMap((l) => l.points);
  return {
    xAxis: logAxis([...all.map((p) => p.bytes), ...marks.map((m) => m.bytes)]),
    yAxis: logAxis(all.map((p) => p.nsPerPoint)),
    lines,
    caches: marks,
  };
}
