// The roofline model, one function per idea: the operations per point of the
// traced graph (transcendental calls apart), the threads a strategy computes
// on, and the roof that bounds a run. The bytes a plan moves are planBytes.ts's
// model. Pure arithmetic over graphs, records and a MachineProfile; measures
// nothing.

import { itemSize, type DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { isElementwise, type ElementwisePrimitive, type Primitive } from '../core/primitives.js';
import type { CompiledFormula } from '../formula/index.js';
import type { RunRecord } from '../strategies/types.js';
import { pointsEvaluated } from '../strategies/pointsEvaluated.js';
import { meshGraph, planBytes } from './planBytes.js';
import {
  MEMORY_LEVELS,
  type MachineProfile,
  type MemoryLevel,
  type Roof,
  type RooflineBound,
  type RooflineFields,
} from './types.js';

/**
 * What one element of each primitive costs on the roofline: one arithmetic operation, a call of a vector
 * math function (libmvec; counted apart, against the evaluator's cos throughput), or the multiplies of x^k.
 * Typed over the primitive union: a new primitive without an entry is a compile error.
 */
const COST: Record<ElementwisePrimitive, 'op' | 'transcendental' | 'integer_pow'> = {
  neg: 'op',
  square: 'op',
  abs: 'op',
  sqrt: 'op',
  floor: 'op',
  ceil: 'op',
  sign: 'op',
  add: 'op',
  sub: 'op',
  mul: 'op',
  div: 'op',
  min: 'op',
  max: 'op',
  mod: 'op',
  hypot: 'op',
  cos: 'transcendental',
  sin: 'transcendental',
  tan: 'transcendental',
  exp: 'transcendental',
  log: 'transcendental',
  tanh: 'transcendental',
  atan: 'transcendental',
  asin: 'transcendental',
  acos: 'transcendental',
  sinh: 'transcendental',
  cosh: 'transcendental',
  log2: 'transcendental',
  log10: 'transcendental',
  pow: 'transcendental',
  atan2: 'transcendental',
  integer_pow: 'integer_pow',
};

export function isTranscendental(primitive: Primitive): boolean {
  return isElementwise(primitive) && COST[primitive] === 'transcendental';
}

/**
 * Arithmetic operations and transcendental calls per output point: one per elementwise equation, x^k as its multiplies.
 */
export function opsPerPoint(graph: Graph): { ops: number; transcendentals: number } {
  let ops = 0;
  let transcendentals = 0;
  for (const eqn of graph.equations) {
    if (!isElementwise(eqn.primitive)) continue;
    const cost = COST[eqn.primitive];
    if (cost === 'transcendental') transcendentals++;
    else if (cost === 'integer_pow') ops += Math.max(1, Math.abs((eqn.params as { y: number }).y) - 1);
    else ops++;
  }
  return { ops, transcendentals };
}

/**
 * Threads a record's run computes on: pmap's devices; one for every other strategy. The single-device
 * strategies (vmap, meshgrid, …) run inside onOneDevice, as JAX runs them on one device: their roof is
 * one thread's, and pmap's gain over them is the threads.
 */
export function computeThreads(record: Pick<RunRecord, 'strategy' | 'devices'>): number {
  if (record.strategy === 'pmap' || record.strategy === 'jax-pmap') return Math.max(1, record.devices);
  return 1;
}

/**
 * The level a working set of `bytes` runs at: the first whose measured plateau set, doubled, holds it, else
 * DRAM. The plateaus, not the OS's sizes: a virtual machine may report a socket's L3 it shares with others.
 */
export function levelFor(bytes: number, profile: MachineProfile): MemoryLevel {
  for (const level of MEMORY_LEVELS) if (level !== 'DRAM' && bytes <= 2 * profile.bandwidth[level].bytes) return level;
  return 'DRAM';
}

/**
 * The roofs of this machine for a dtype: memory slopes for L3 and DRAM (write bandwidth), a compute roof per
 * ISA copy on all threads (pmap's), and the widest copy's on one thread (every other strategy's).
 */
export function roofs(profile: MachineProfile, dtype: DType): Roof[] {
  const memory: Roof[] = (['L3', 'DRAM'] as const).map((level) => ({
    kind: 'memory',
    level,
    gbps: profile.bandwidth[level].writeGBps,
    label: `${level} write ${profile.bandwidth[level].writeGBps.toFixed(1)} GB/s`,
  }));
  const computeRoof = (isa: string, threads: number): Roof => {
    const peak = profile.peakGflops[isa]![dtype];
    const gflops = threads === 1 ? peak.oneThread : peak.allThreads;
    const label = `${isa} FMA ${gflops.toFixed(0)} Gflop/s (${dtype}, ${threads} thread${threads === 1 ? '' : 's'})`;
    return { kind: 'compute', isa, threads, gflops, label };
  };
  const compute = profile.isas.map((isa) => computeRoof(isa, profile.cores));
  const widest = profile.isas.at(-1);
  if (widest && profile.cores > 1) compute.push(computeRoof(widest, 1));
  return [...memory, ...compute];
}

/** What the note of a placed record says: that the bytes are a model. */
export const BYTES_MODEL_NOTE = 'bytes moved: a model of the plan, not counters';

/**
 * The roofline fields of a measured record: bytes, operations, intensity and
 * rates always; the bound and how near the run is to it where a profile is
 * given. The bound is the roof predicting the longest time: memory (the
 * read and write bandwidth of the level the output lives in), FMA throughput, or the
 * evaluator's cos throughput; 'overhead' when a loops run is over fifty times
 * slower than every roof predicts (dispatch, not hardware).
 */
export function rooflineFields(
  record: RunRecord,
  formula: CompiledFormula | null,
  profile: MachineProfile | null,
): RooflineFields {
  const { nx, ny, dtype, medianMs } = record;
  const points = pointsEvaluated(record.strategy, record);
  const bytes = planBytes(record.strategy, nx, ny, dtype, formula, record.reduce);
  // The floor (formula null) computes nothing: it only writes.
  const { ops, transcendentals } = formula
    ? opsPerPoint(meshGraph(formula, 1, 1, dtype))
    : { ops: 0, transcendentals: 0 };
  const seconds = medianMs / 1000;
  const fields: RooflineFields = {
    bytesMoved: bytes.plan,
    opsPerPoint: ops,
    transcendentalsPerPoint: transcendentals,
    arithmeticIntensity: (ops * points) / bytes.plan,
    achievedGBps: seconds > 0 ? bytes.timed / seconds / 1e9 : 0,
    gPointsPerS: seconds > 0 ? points / seconds / 1e9 : 0,
  };
  // The profile's roofs are the CPU's: a GPU run gets its bytes and rates, not a CPU bound.
  if (!profile || !(seconds > 0) || record.backend === 'webgpu') return fields;
  const threads = computeThreads(record);
  // Where the data lives: the output's level, or, where a fused run to a number moves less, that.
  const level = levelFor(Math.min(points * itemSize(dtype), bytes.timed), profile);
  const plateau = profile.bandwidth[level];
  const isa = record.isa ?? profile.isas.at(-1)!;
  const peak = profile.peakGflops[isa]?.[dtype];
  const gflops = peak
    ? threads > 1
      ? peak.allThreads * Math.min(1, threads / profile.cores)
      : peak.oneThread
    : Infinity;
  const cosPerSecond = profile.transcendentalsPerNs[dtype] * 1e9 * Math.min(threads, profile.cores);
  const predicted: [RooflineBound, number][] = [
    [
      level,
      bytes.timedWritten / (plateau.writeGBps * 1e9) + (bytes.timed - bytes.timedWritten) / (plateau.readGBps * 1e9),
    ],
    ['compute', (ops * points) / (gflops * 1e9)],
    ['transcendental', (transcendentals * points) / cosPerSecond],
  ];
  const [bound, boundSeconds] = predicted.reduce((a, b) => (b[1] > a[1] ? b : a));
  const fraction = boundSeconds / seconds;
  // Only the loops strategy pays a call per point; elsewhere a run far under its roof (a scalar copy, a busy
  // machine) still says which roof it is under, with how far below it is.
  return {
    ...fields,
    bound: record.strategy === 'loops' && fraction < 0.02 ? 'overhead' : bound,
    roofFraction: fraction,
  };
}

/** The record in words: "meshgrid: memory-bound (DRAM), 78% of the roof". */
export function boundText(record: RunRecord): string {
  if (!record.bound || record.roofFraction === undefined) return `${record.strategy}: not placed (no machine profile)`;
  const pct = `${Math.round(record.roofFraction * 100)}% of the roof`;
  if (record.bound === 'overhead')
    return `${record.strategy}: overhead-bound, ${pct} (the time goes to dispatch, not to the hardware)`;
  if (record.bound === 'compute') return `${record.strategy}: compute-bound (FMA), ${pct}`;
  if (record.bound === 'transcendental') return `${record.strategy}: bound by cos throughput, ${pct}`;
  return `${record.strategy}: memory-bound (${record.bound} bandwidth), ${pct}`;
}
