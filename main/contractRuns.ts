// A run batch as the renderer asks for it and as it comes back: the settings (one grid, several strategies), the
// memory guard's report, and the failures beside the records. Types only, imported through the contract
// (contract.ts); the engine's own request for one strategy is compute's RunRequest (runRequest.ts translates).

import type { GridSettings, ReduceMode, RunRecord, StrategyName } from '../compute/index.js';

export interface RunSettings extends GridSettings {
  strategies: StrategyName[];
  /** Timed calls after the first. */
  repeats: number;
  /** Native threads for pmap; 0 = all. */
  devices: number;
  /** The output: the grid (default) or a number from it (max, min, sum, mean). */
  reduce?: ReduceMode;
}

export interface GuardEntry {
  strategy: StrategyName;
  predictedBytes: number;
  fits: boolean;
  /** Why it would not run, in words, naming the bytes needed. */
  message?: string;
}

export interface GuardReport {
  entries: GuardEntry[];
}

export interface RunBatchRequest extends RunSettings {
  /** Chosen by the renderer so that progress and cancel can name the batch. */
  runId: string;
  /** Also time the physical floor (writing nx·ny outputs at memory bandwidth) where the engine can. */
  includeFloor: boolean;
}

export type FailureKind = 'guard' | 'cancelled' | 'error' | 'crash' | 'unavailable';

export interface RunFailure {
  strategy: StrategyName | 'limit';
  kind: FailureKind;
  message: string;
}

export interface RunBatchResult {
  runId: string;
  records: RunRecord[];
  failures: RunFailure[];
  cancelled: boolean;
}

/**
 * The traced graphs at a grid, for an output: a number's adds the fused reduction, and its sides may reach the
 * answer limit (tracing allocates no grid).
 */
export interface TraceRequest extends GridSettings {
  reduce?: ReduceMode;
}
