// What a strategy is: one of the lesson's ways of computing the nx × ny grid of
// f(x, y), written in a few lines over the engine. A strategy only computes
// and times; the runner (run.ts) guards memory, measures the peak, checks the
// result against the reference and assembles the record.

import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import type { BackendName, BackendStatus, ExecutionTimings, RunControl } from '../backends/backend.js';
import type { CompiledFormula } from '../formula/index.js';
import type { GridSpec, RecordBackend, ReduceMode, RunProgress, StrategyName } from './types.js';

export interface StrategyContext {
  /** nx × ny points over xRange × yRange. */
  grid: GridSpec;
  dtype: DType;
  /** The backend single-device strategies compile for. */
  backend: BackendName;
  formula: CompiledFormula;
  /** Timed calls after the first, at least (timing.ts times quick calls more often). */
  repeats: number;
  /**
   * Time warm calls until this much is timed (default timing.ts's MIN_TIMED_MS); Live's calibration asks for none past
   * `repeats`.
   */
  minTimedMs?: number;
  /** Devices requested (pmap); 0 means all. */
  devices: number;
  /** The output: the grid (default), or a number (answer.ts): the outcome's grid is then [value, flat index]. */
  reduce?: ReduceMode;
  signal?: AbortSignal;
  progress(phase: RunProgress['phase'], fraction: number): void;
}

export interface StrategyOutcome {
  /** The result: [nx, ny], or [n] for the naive strategy on a square grid. The runner disposes it. */
  grid: NDArray;
  firstMs: number;
  /** One entry per timed repeat. */
  repeatMs: number[];
  /** Process CPU time (all threads) over the timed repeats, in ms: with their wall time, whether the CPU was shared. */
  cpuMs?: number;
  /** Whether the timed repeats wrote into recycled buffers. */
  outputBuffer: 'fresh' | 'recycled';
  devices?: number;
  /** Per repeat, where the backend splits its time. */
  timings?: ExecutionTimings[];
  deviceName?: string;
  computedDtype?: DType;
  note?: string;
  /** The backend that actually ran (pmap and gpu fix their own; the peers are 'python'). */
  backend?: RecordBackend;
  /**
   * The peak measured by the strategy itself (a peer's tracemalloc), or null where none could be; default: the
   * allocator's.
   */
  peakBytes?: number | null;
  /** A peer's Python and package versions. */
  peerVersions?: string;
}

export interface Strategy {
  readonly name: StrategyName;
  /** One line for the UI and `vlab run --help`. */
  readonly description: string;
  /** Whether it takes the user's backend choice (single-device strategies) or fixes its own. */
  readonly takesBackend: boolean;
  /**
   * What must be loaded before it can run or say whether it can: the CPU's backends (and the backend chosen), Dawn's
   * adapter, or Python's probe. A run loads only that: one on the CPU never waits for Dawn.
   */
  readonly needs: 'cpu' | 'webgpu' | 'python';
  availability(backend: BackendName): BackendStatus;
  /** Bytes the run will hold at its peak, from shapes alone: the memory guard's figure. */
  predictBytes(grid: GridSpec, dtype: DType, formula: CompiledFormula, reduce?: ReduceMode): number;
  run(context: StrategyContext): Promise<StrategyOutcome>;
}

export type { RunControl };

/** A request the engine refuses before running anything (a bad n, too many devices); the shells show its message. */
export class RunRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRequestError';
  }
}

/**
 * A strategy this machine cannot run (no addon, no GPU adapter, no Python): a request the engine refuses for want of a
 * device, not for its values.
 */
export class StrategyUnavailableError extends RunRequestError {
  constructor(message: string) {
    super(message);
    this.name = 'StrategyUnavailableError';
  }
}
