// The messages between the engine host (the app's process) and the engine
// (a process of its own, port.ts).
// A call names a method — a contract channel's own name where the engine
// answers that channel, never a second name for it; its params, result and
// progress types are tied here, so host and engine cannot disagree (a method without progress has
// `never`: the engine cannot send any for it). Errors cross as the
// contract's LabError: a kind, the message, and the engine's numbers
// (formula position, bytes needed).

import type { CheckedRunRequest, Grid, RunProgress, RunRecord } from '../../compute/index.js';
import type { LabSettings, SweepResult } from '../../compute/index.js';
import type {
  AppInfo,
  ProbedFacts,
  GridFormat,
  GridSettings,
  InvokeChannel,
  LabError,
  MachineInfo,
  MachineProgress,
  MachineView,
  RequestOf,
  ResponseOf,
  ResultsFormat,
  SurfaceView,
  SweepTaskProgress,
  TaskProgress,
} from '../contract.js';

/** A channel the engine answers as the contract states it: the same request and response, and its progress. */
type Answered<C extends InvokeChannel, P = never> = { params: RequestOf<C>; result: ResponseOf<C>; progress: P };

/** The channels the engine answers whole: the service forwards them by name (service.ts). */
export const ANSWERED_CHANNELS = [
  'formula:check',
  'surface:preview',
  'graph:trace',
  'run:guard',
  'classroom:jax',
  'settings:parse',
] as const satisfies readonly InvokeChannel[];
export type AnsweredChannel = (typeof ANSWERED_CHANNELS)[number];

/** The classroom's tasks: the engine answers them whole; the service adds the task id and kind to their progress. */
export const TASK_CHANNELS = [
  'classroom:lesson',
  'classroom:sweep',
  'classroom:threads',
] as const satisfies readonly InvokeChannel[];
export type TaskChannel = (typeof TASK_CHANNELS)[number];

/**
 * The engine's methods. Those that answer a contract channel have that channel's name and types; the
 * others (`engine:…`) are steps of a channel the app completes (the batch, saving a file, the About
 * panel's info) or hooks for tests: no contract channel does their work, so none is renamed.
 */
export interface EngineMethods {
  'formula:check': Answered<'formula:check'>;
  /** f at the surface's sampled points only; a bad formula fails with kind 'formula'. */
  'surface:preview': Answered<'surface:preview'>;
  /** f traced per strategy, and lowered; a bad formula fails with kind 'formula'. */
  'graph:trace': Answered<'graph:trace'>;
  'run:guard': Answered<'run:guard'>;
  /** A request the export cannot honour fails with kind 'invalid-request'. */
  'classroom:jax': Answered<'classroom:jax'>;
  /** A .vlab.json's text, checked; one that is not settings fails with kind 'settings'. */
  'settings:parse': Answered<'settings:parse'>;
  'classroom:lesson': Answered<'classroom:lesson', TaskProgress>;
  /** A sweep, with the write floor; its progress carries the entries so far. */
  'classroom:sweep': Answered<'classroom:sweep', SweepTaskProgress>;
  /** pmap, the hand-written kernel and the write floor on 1, 2, … threads. */
  'classroom:threads': Answered<'classroom:threads', TaskProgress>;
  /** What the engine knows of AppInfo: the service adds the shell's part. */
  'engine:info': {
    params: null;
    progress: never;
    result: Pick<
      AppInfo,
      'availability' | 'devices' | 'maxThreads' | 'defaultFormula' | 'formulaPresets' | 'gridRange' | 'engineBuild'
    > & { machine: Omit<MachineInfo, 'appVersion'> };
  };
  /** What engine:info left pending (Dawn's adapter, Python), once both have been probed. */
  'engine:probes': { params: null; progress: never; result: ProbedFacts };
  /**
   * One strategy of a batch, its request checked where it entered (runRequest.ts); with `surface`, a decimated view
   * of its grid comes back and the grid is kept.
   */
  'engine:run': {
    params: { request: CheckedRunRequest; surface: boolean };
    result: { record: RunRecord; surface?: SurfaceView };
    progress: RunProgress;
  };
  /** Live's calibration: each strategy timed on two tiny grids (compute/strategies/calibrate.ts). */
  'live:calibrate': Answered<'live:calibrate'>;
  /**
   * The machine's profile kept in `dataDir` (else measured, with `measure`), made the one records are placed against.
   */
  'engine:machineProfile': {
    params: { dataDir: string; measure: boolean; refresh: boolean };
    result: MachineView | null;
    progress: MachineProgress;
  };
  /** The physical floor, or null where the engine cannot measure it. */
  'engine:limit': { params: Grid; result: RunRecord | null; progress: never };
  /** The records as a file's text: CSV, the JSON document, or a Markdown table. */
  'engine:results-text': {
    params: { records: RunRecord[]; appVersion: string; format: ResultsFormat };
    result: string;
    progress: never;
  };
  /** Writes the grid to `path` (x, y, f rows as CSV, or .npy), reusing the kept grid when it is the one asked for. */
  'engine:grid-file': {
    params: { settings: GridSettings; path: string; format?: GridFormat };
    result: { rows: number };
    progress: { fraction: number };
  };
  'engine:sweep-csv': {
    params: {
      result: Pick<SweepResult, 'entries' | 'dtype' | 'backend' | 'formula' | 'xRange' | 'yRange'>;
      appVersion: string;
    };
    result: string;
    progress: never;
  };
  'engine:settings-json': { params: { settings: LabSettings }; result: string; progress: never };
  /** The engine process's memory after a GC: JS heap, the allocator's live buffers and reserve, RSS. */
  'engine:memory': {
    params: null;
    result: { heapUsedBytes: number; liveBytes: number; reservedBytes: number; rssBytes: number };
    progress: never;
  };
  /** For tests of the host: makes the engine die of an uncaught error. */
  'engine:crash': { params: null; result: never; progress: never };
  /** For tests of the host: makes the engine abort (SIGABRT), as native code does (Dawn at teardown). */
  'engine:abort': { params: null; result: never; progress: never };
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];

export type ProgressOf<M extends EngineMethod> = EngineMethods[M]['progress'];

/** An error as it crosses from the engine: the contract's one error shape. */
export type SerializedError = LabError;

/** The call and its progress, tied by method: a call's id names its method on both sides. */
export type ToWorker =
  | { [M in EngineMethod]: { type: 'call'; id: number; method: M; params: ParamsOf<M> } }[EngineMethod]
  | { type: 'cancel'; id: number }
  /** The host is closing: cancel everything, and exit once nothing is in flight. */
  | { type: 'shutdown' };

export type FromWorker =
  /** The engine listens: the host holds its messages until this one. */
  | { type: 'ready' }
  /** The engine's last word before it exits on an uncaught error. */
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'progress'; id: number; progress: unknown };
