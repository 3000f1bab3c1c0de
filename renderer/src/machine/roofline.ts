// The roofline chart's model: arithmetic intensity (flop per byte moved)
// across, achieved Gflop/s up, both log scales; this machine's roofs (a
// bandwidth slope per memory level, a flat compute roof per ISA copy and per
// thread count, the evaluator's cos throughput for this formula) and a dot
// for each strategy's latest run, with a sentence that says in words what
// bounds it. Pure functions over the engine's records and the machine
// profile (compute/machine/types.ts): the chart (RooflineChart.svelte) and
// the lesson's roofline step only place and print what this computes.

import type { DType, RunRecord, StrategyName } from '../../../main/contract';
import type { MachineProfile, MemoryLevel, Roof, RooflineBound, RooflineFields } from '../../../compute/machine/types';
import { logAxis, type LogAxis } from '../lib/scales';

/** A record placed on the roofline: the engine's record with the fields `vlab machine`'s model adds. */
export type PlacedRecord = RunRecord & RooflineFields;

/** The memory levels, fastest first (compute/machine/types.ts's MEMORY_LEVELS, which the renderer takes as a type). */
const LEVELS: readonly MemoryLevel[] = ['L1', 'L2', 'L3', 'DRAM'];

export interface RoofLine {
  key: string;
  kind: 'memory' | 'compute' | 'transcendental';
  /** Gflop/s at intensity `x`: a slope (bandwidth · x) for memory, flat for compute. */
  gbps?: number;
  gflops?: number;
  label: string;
}

export interface RooflineDot {
  strategy: StrategyName;
  /** The run's grid, "nx×ny": which of the session's runs the dot is. */
  grid: string;
  /** Flop per byte moved. */
  intensity: number;
  /** Achieved Gflop/s. */
  gflops: number;
  bound: RooflineBound | undefined;
  /** The hover text: what bounds the run, in words and figures. */
  text: string;
}

/** Gflop/s of a roof at intensity x (flop per byte). */
export function roofAt(roof: RoofLine, x: number): number {
  return roof.kind === 'memory' ? roof.gbps! * x : roof.gflops!;
}

/**
 * The chart's lines: the engine's roofs for the dtype (compute/machine's
 * roofs(): bandwidth slopes, an FMA roof per ISA copy on all threads and the widest on one) and, for a formula
 * with `cosPerFlop` transcendental calls per flop, the evaluator's cos
 * throughput on one thread and on all, as the Gflop/s of this formula it
 * allows.
 */
export function roofLines(
  roofs: readonly Roof[],
  profile: MachineProfile,
  dtype: DType,
  cosPerFlop?: number,
): RoofLine[] {
  const lines: RoofLine[] = roofs.map((roof) =>
    roof.kind === 'memory'
      ? { key: roof.level, kind: 'memory', gbps: roof.gbps, label: roof.label }
      : { key: `${roof.isa}-${roof.threads}`, kind: 'compute', gflops: roof.gflops, label: roof.label },
  );
  const cosPerNs = profile.transcendentalsPerNs[dtype];
  if (cosPerFlop && cosPerFlop > 0 && cosPerNs > 0) {
    for (const threads of profile.cores > 1 ? [1, profile.cores] : [1]) {
      const gflops = (cosPerNs * threads) / cosPerFlop;
      lines.push({
        key: `cos-${threads}`,
        kind: 'transcendental',
        gflops,
        label: `cos, ${threads} thread${threads === 1 ? '' : 's'}: ${formatRate(gflops)} Gflop/s of this formula`,
      });
    }
  }
  return lines;
}

/** Transcendental calls per flop of the formula the records ran, from any placed record (all share the formula). */
export function cosPerFlopOf(records: readonly PlacedRecord[]): number | undefined {
  const r = records.find((r) => r.opsPerPoint && r.transcendentalsPerPoint !== undefined);
  return r ? r.transcendentalsPerPoint! / r.opsPerPoint! : undefined;
}

/**
 * The least a grid point can cost (ns) at this size: writing its one output
 * value at the write bandwidth of the level the output fits in (its
 * plateau's working set, doubled, as compute/machine's levelFor places it).
 * Every strategy writes its output, so none is faster: Live's floor for a
 * size no run has reached.
 */
export function writeNsPerPoint(profile: MachineProfile, points: number, dtype: DType): number {
  const item = dtype === 'float32' ? 4 : 8;
  const level = LEVELS.find((l) => l === 'DRAM' || points * item <= 2 * profile.bandwidth[l].bytes) ?? 'DRAM';
  return item / profile.bandwidth[level].writeGBps;
}

/** The latest record of each strategy that the model has placed (bytes and operations counted), in the order given. */
export function latestPlaced(records: readonly PlacedRecord[]): (PlacedRecord & { strategy: StrategyName })[] {
  const latest = new Map<StrategyName, PlacedRecord & { strategy: StrategyName }>();
  // The floor computes nothing (no intensity on a log axis): it is the DRAM roof's own measurement, not a dot.
  for (const r of records)
    if (r.strategy !== 'limit' && r.bytesMoved && r.opsPerPoint && r.medianMs > 0 && !r.shapeError)
      latest.set(r.strategy, { ...r, strategy: r.strategy });
  return [...latest.values()];
}

/** Where a record sits: its intensity (flop per byte) and its achieved Gflop/s. */
export function placeOf(r: PlacedRecord): { intensity: number; gflops: number } {
  const flops = (r.opsPerPoint ?? 0) * r.nx * r.ny;
  return {
    intensity: r.arithmeticIntensity ?? flops / r.bytesMoved!,
    gflops: r.gPointsPerS !== undefined ? r.gPointsPerS * (r.opsPerPoint ?? 0) : flops / (r.medianMs * 1e6),
  };
}

/** A percentage as the sentence says it: 78%, 4%, 0.3%. */
function percent(fraction: number): string {
  const p = fraction * 100;
  return `${p >= 10 ? Math.round(p) : p >= 1 ? p.toFixed(1) : p.toPrecision(1)}%`;
}

function formatRate(value: number): string {
  return String(value >= 100 ? Math.round(value) : Number(value >= 10 ? value.toFixed(1) : value.toPrecision(2)));
}

/**
 * The hover text: "meshgrid: memory-bound, 78% of DRAM write bandwidth (24 of 31 GB/s); 0.25 flop/byte,
 * 6.1 Gflop/s".
 */
export function describeRun(r: PlacedRecord, profile: MachineProfile | null): string {
  const { intensity, gflops } = placeOf(r);
  const threads = `${r.devices} thread${r.devices === 1 ? '' : 's'}`;
  const figures = `${intensity.toPrecision(2)} flop/byte, ${formatRate(gflops)} Gflop/s, ${threads}`;
  const gbps = r.achievedGBps ?? r.bytesMoved! / (r.medianMs * 1e6);
  const bound = r.bound;
  if (bound && (LEVELS as readonly string[]).includes(bound)) {
    const level = bound as MemoryLevel;
    const roof = profile?.bandwidth[level];
    const roofGBps = roof ? Math.max(roof.readGBps, roof.writeGBps) : undefined;
    // The engine's own fraction where it gave one (its model's roof), else the bytes moved over the level's bandwidth.
    const fraction = r.roofFraction ?? (roofGBps ? gbps / roofGBps : undefined);
    const ofRoofGBps = roofGBps ? ` of ${formatRate(roofGBps)}` : '';
    const share =
      fraction !== undefined
        ? `, ${percent(fraction)} of ${level} bandwidth (${formatRate(gbps)}${ofRoofGBps} GB/s)`
        : ` (${formatRate(gbps)} GB/s moved)`;
    return `${r.strategy}: memory-bound${share}; ${figures}`;
  }
  const ofRoof = r.roofFraction !== undefined ? `, at ${percent(r.roofFraction)} of that roof` : '';
  switch (bound) {
    case 'compute': {
      const isa = r.isa ? ` (${r.isa}${r.lanes ? `, ${r.lanes} lanes` : ''})` : '';
      return `${r.strategy}: compute-bound by the arithmetic${isa}${ofRoof}; ${figures}`;
    }
    case 'transcendental':
      return `${r.strategy}: bound by the evaluator's cos throughput${ofRoof}; ${figures}`;
    case 'overhead':
      return `${r.strategy}: bound by overhead (dispatch and calls, not memory or arithmetic)${ofRoof}; ${figures}`;
    default:
      return `${r.strategy}: ${formatRate(gbps)} GB/s moved; ${figures} (no machine profile to say what bounds it)`;
  }
}

export function dotsOf(records: readonly PlacedRecord[], profile: MachineProfile | null): RooflineDot[] {
  return latestPlaced(records).map((r) => ({
    strategy: r.strategy,
    grid: `${r.nx}×${r.ny}`,
    ...placeOf(r),
    bound: r.bound,
    text: describeRun(r, profile),
  }));
}

export interface RooflineLayout {
  xAxis: LogAxis;
  yAxis: LogAxis;
  roofs: RoofLine[];
  dots: RooflineDot[];
}

/** The axes span every dot and the roofs where they bend (each memory slope meeting the highest compute roof). */
export function layoutRoofline(roofs: readonly RoofLine[], dots: readonly RooflineDot[]): RooflineLayout {
  const flat = roofs.filter((r) => r.kind !== 'memory').map((r) => r.gflops!);
  const top = Math.max(...flat, ...dots.map((d) => d.gflops), 1);
  const ridges = roofs.filter((r) => r.kind === 'memory').map((r) => top / r.gbps!);
  const xs = [...dots.map((d) => d.intensity), ...ridges];
  const xAxis = logAxis([Math.min(...xs, 0.1) / 2, Math.max(...xs, 1) * 2]);
  const lows = [
    ...dots.map((d) => d.gflops),
    ...roofs.filter((r) => r.kind === 'memory').map((r) => roofAt(r, xAxis.min)),
  ];
  const yAxis = logAxis([Math.max(Math.min(...lows), top / 1e4), top * 2]);
  return { xAxis, yAxis, roofs: [...roofs], dots: [...dots] };
}

/**
 * A roof's visible segment: from the chart's left edge (or where it enters) to where the lowest flat roof above it
 * caps it.
 */
export function roofSegment(roof: RoofLine, layout: RooflineLayout): [[number, number], [number, number]] {
  const { xAxis, yAxis } = layout;
  if (roof.kind !== 'memory')
    return [
      [xAxis.min, roof.gflops!],
      [xAxis.max, roof.gflops!],
    ];
  const peaks = layout.roofs.filter((r) => r.kind === 'compute').map((r) => r.gflops!);
  const cap = peaks.length ? Math.max(...peaks) : yAxis.max;
  const x0 = Math.max(xAxis.min, yAxis.min / roof.gbps!);
  const x1 = Math.min(xAxis.max, cap / roof.gbps!);
  return [
    [x0, roof.gbps! * x0],
    [x1, roof.gbps! * x1],
  ];
}
