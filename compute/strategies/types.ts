// The data every strategy run produces and every shell shows: the run record
// (the CLI's JSON, the CSV's rows, the app's table), the request that asks
// for a run, and progress events. Plain objects only: they cross the worker
// and IPC boundaries unchanged. The renderer imports these types.

import type { DType } from '../core/dtype.js';
import type { Grid } from '../core/grid.js';
import { BACKEND_NAMES, type BackendName } from '../backends/backend.js';
import type { RooflineFields } from '../machine/types.js';

/** The lesson's strategies, run by the lab's own engine. */
export type LabStrategyName = 'loops' | 'naive' | 'meshgrid' | 'meshgrid-eager' | 'vmap' | 'pmap' | 'gpu';
export const LAB_STRATEGY_NAMES: readonly LabStrategyName[] = [
  'loops',
  'naive',
  'meshgrid',
  'meshgrid-eager',
  'vmap',
  'pmap',
  'gpu',
];
/** The same experiment run by NumPy and JAX in a Python child process (compute/peers/), where a Python has them. */
export type PeerStrategyName = 'numpy' | 'jax-vmap' | 'jax-pmap';
export const PEER_STRATEGY_NAMES: readonly PeerStrategyName[] = ['numpy', 'jax-vmap', 'jax-pmap'];
export type StrategyName = LabStrategyName | PeerStrategyName;
export const STRATEGY_NAMES: readonly StrategyName[] = [...LAB_STRATEGY_NAMES, ...PEER_STRATEGY_NAMES];

/** Who computed a record: one of the lab's backends, or Python (a peer strategy, NumPy or JAX). */
export type RecordBackend = BackendName | 'python';
export const RECORD_BACKENDS: readonly RecordBackend[] = [...BACKEND_NAMES, 'python'];

export function isPeerStrategy(name: string): name is PeerStrategyName {
  return (PEER_STRATEGY_NAMES as readonly string[]).includes(name);
}

/**
 * One measured run of one strategy, on its Grid (nx × ny over xRange × yRange, in dtype: x =
 * linspace(xRange[0], xRange[1], nx), y likewise, z[i, j] = f(x[i], y[j])). Field names are a
 * contract (CLI JSON, CSV, app); recordSchema.ts checks it field by field. The roofline's fields
 * (bytes moved, operations per point, the bound, the ISA copy) are optional: compute/machine/types.ts.
 */
export interface RunRecord extends Grid, RooflineFields {
  /** The strategy, or 'limit' for the physical floor (writing nx·ny outputs at memory bandwidth). */
  strategy: StrategyName | 'limit';
  backend: RecordBackend;
  /** How many devices computed it (1 unless pmap). */
  devices: number;
  /** Shape of the result: [nx, ny], or [n] for the naive strategy on a square grid; [] when it raised shapeError. */
  shape: number[];
  /**
   * The shape error the strategy raised instead of a result, worded as JAX
   * words it: naive on a rectangular grid ("add got incompatible shapes for
   * broadcasting: (300,), (200,)."). Nothing was computed: the times are the
   * call that failed, maxAbsErr is NaN and allclose false.
   */
  shapeError?: string;
  /** The first call: tracing and compilation included, on a fresh output buffer. */
  firstMs: number;
  /** Over the repeats after the first call. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
  /** Every timed repeat, in ms, in the order they ran (the first call is firstMs, not here). */
  samplesMs: number[];
  /** Interquartile range of samplesMs (numpy.percentile's linear method); 0 for one sample. */
  iqrMs: number;
  /** Sample standard deviation of samplesMs (n − 1); 0 for one sample. */
  stddevMs: number;
  /**
   * Whether the figures are doubtful: the IQR is over 20% of the median, or
   * the machine was busy (CPU time well short of wall time × threads).
   */
  noisy: boolean;
  /** Why the run is noisy, with the numbers; absent when it is not. */
  noisyReason?: string;
  /**
   * Peak bytes live in the allocator during the run (inputs, temporaries and
   * output); for NumPy, tracemalloc's peak. Absent where it could not be
   * measured (JAX's allocator), and the note says so.
   */
  peakBytes?: number;
  /** Bytes the strategy was predicted to need, from shapes alone, before running. */
  predictedBytes: number;
  /** Largest |result - reference| against a float64 evaluation of the same formula. */
  maxAbsErr: number;
  /**
   * NumPy's allclose(result, reference) at the dtype's tolerance, equal_nan off
   * as in NumPy (a grid with any NaN is never allclose); false for a wrong shape.
   */
  allclose: boolean;
  /** Counts of NaN, +Inf and -Inf in the result (division by zero, log of negatives, overflow). */
  nonFinite: { nan: number; posInf: number; negInf: number };
  /** Whether the non-finite values sit exactly where the reference has them, with the same kind. */
  nonFiniteMatch: boolean;
  formula: string;
  /** Whether the timed repeats wrote into a recycled buffer (first-touch cost kept out) or a fresh one. */
  outputBuffer: 'fresh' | 'recycled';
  /** Where a backend splits its time (GPU: upload, kernel, read-back), median over repeats. */
  uploadMs?: number;
  kernelMs?: number;
  readbackMs?: number;
  /** The device that ran it, in words (GPU adapter, CPU model). */
  deviceName?: string;
  /** Native runs: the evaluator's SIMD target ('avx512', 'avx2', 'sse4', 'sse2', 'neon', 'scalar') … */
  isa?: string;
  /** … and its lanes in the record's dtype (16 for float32 on avx512; 1 for scalar). */
  lanes?: number;
  /** The dtype actually computed in, when it differs from the one asked for (float64 on a GPU). */
  computedDtype?: DType;
  /** Anything the reader must know to read the figures right. */
  note?: string;
  /** For a peer strategy, what ran it: "Python 3.11.7, NumPy 2.4.6, JAX 0.10.2, jaxlib 0.10.2". */
  peerVersions?: string;
  /** The output asked for; absent: the grid. */
  reduce?: ReduceMode;
  /** The number, when the output is one: value, where (max, min), the reference's and the error. */
  value?: number;
  at?: RunAnswer['at'];
  reference?: number;
  referenceAt?: RunAnswer['referenceAt'];
  error?: number;
  integral?: number;
}

/**
 * The grid as the API's requests may give it: a GridSpec whose fields default (the domain to GRID_RANGE),
 * plus `n`, the square shorthand of the CLI's --n and of scripts (an explicit nx or ny wins). The engine's
 * entry turns it into a GridSpec once (run.ts, by requestSchema.ts); the dtype is the request's own field.
 */
export type GridRequest = Partial<GridSpec> & { n?: number };

/** What a run gives: the grid, or a number from it (max and min with where they are). */
export type ReduceMode = 'grid' | 'max' | 'min' | 'sum' | 'mean';
export const REDUCE_MODES: readonly ReduceMode[] = ['grid', 'max', 'min', 'sum', 'mean'];

/** A run's number, when its output is one (RunRecord.reduce is not 'grid'). */
export interface RunAnswer {
  value: number;
  /** max and min: where the extreme is, z[i, j] = f(x, y). */
  at?: { i: number; j: number; x: number; y: number };
  /** The same reduction of the float64 reference, and |value - reference| (relative for sum and mean). */
  reference: number;
  referenceAt?: { i: number; j: number; x: number; y: number };
  error: number;
  /** mean × area: ∫∫ f dx dy over the domain (mean only). */
  integral?: number;
}

export interface RunRequest extends GridRequest {
  strategy: StrategyName;
  /** The output: the grid (default) or a number from it. */
  reduce?: ReduceMode;
  dtype?: DType;
  /** Backend for single-device strategies; default: the fastest available. */
  backend?: BackendName;
  /** The formula in x and y; default the lesson's f. */
  formula?: string;
  /** Timed calls after the first (default 3). */
  repeats?: number;
  /** Devices (native threads) for pmap; default all. */
  devices?: number;
  /** Refuse runs predicted to need more than this many bytes (default: what the machine has free). */
  memoryCapBytes?: number;
}

export interface RunProgress {
  strategy: StrategyName;
  /** 0..1 */
  fraction: number;
  phase: 'compile' | 'first' | 'repeat' | 'check';
}

/** Whether a strategy can run here, and if not, why (shown greyed out with this reason). */
export interface StrategyAvailability {
  strategy: StrategyName;
  available: boolean;
  reason?: string;
  /** Not known yet: Dawn's adapter or Python is still being probed (AppInfo is answered without waiting). */
  pending?: true;
  description: string;
}

export const DEFAULT_FORMULA = 'cos(x^2 + y^2) / (1 + x^2 + y^2)';
/** The lesson's grid covers [-2, 2] on both axes: the default of xRange and yRange. */
export const GRID_RANGE: readonly [number, number] = [-2, 2];

/**
 * A grid's geometry, its dtype left out: strategies, the floor and the
 * evaluator take the dtype beside it (it is the arrays'), so it is not carried twice.
 */
export type GridSpec = Omit<Grid, 'dtype'>;

/** The grid and f on it, as the app's requests name them: the Grid, plus the formula its values come from. */
export interface GridSettings extends Grid {
  formula: string;
}
