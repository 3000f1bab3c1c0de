// The messages between the engine host (the app's process) and the engine
// (a process of its own, port.ts).
// A call names a method; its params, result and progress types are tied
// here, so host and engine cannot disagree (a method without progress has
// `never`: the engine cannot send any for it). Errors cross as the
// contract's LabError: a kind, the message, and the engine's numbers
// (formula position, bytes needed).

import type { LabError, TaskProgress, SweepTaskProgress, ThreadSweepRequest, ThreadSweepResult } from '../contract.js';
import type { RunProgress, RunRecord, RunRequest, TracedView } from '../../compute/index.js';
import type { LabSettings, LessonStepResult, PythonProgramRequest, SweepRequest, SweepResult } from '../../compute/index.js';
import type { CalibrationRequest, CalibrationResult } from '../../compute/strategies/calibrate.js';
import type { MachineProgress } from '../../compute/machine/types.js';
import type {
  AppInfo,
  FormulaCheck,
  GridFormat,
  GridSettings,
  GuardReport,
  MachineInfo,
  MachineView,
  ResultsFormat,
  RunSettings,
  SurfaceView,
} from '../contract.js';

export interface EngineMethods {
  info: {
    params: null;
    progress: never;
    result: Pick<AppInfo, 'availability' | 'devices' | 'maxThreads' | 'defaultFormula' | 'formulaPresets' | 'gridRange' | 'engineBuild'> & { machine: Omit<MachineInfo, 'appVersion'> };
  };
  checkFormula: { params: { text: string }; result: FormulaCheck; progress: never };
  /** f at the surface's sampled points only; a bad formula fails with kind 'formula'. */
  preview: { params: GridSettings; result: SurfaceView; progress: never };
  /** f traced per strategy, and lowered; a bad formula fails with kind 'formula'. */
  trace: { params: GridSettings; result: TracedView; progress: never };
  guard: { params: RunSettings; result: GuardReport; progress: never };
  /** One strategy; with `surface`, a decimated view of its grid comes back and the grid is kept for export. */
  run: { params: { request: RunRequest; surface: boolean }; result: { record: RunRecord; surface?: SurfaceView }; progress: RunProgress };
  /** Live's calibration: each strategy timed on two tiny grids (compute/strategies/calibrate.ts). */
  calibrate: { params: CalibrationRequest; result: CalibrationResult; progress: never };
  /** The machine's profile kept in `dataDir` (else measured, with `measure`), made the one records are placed against. */
  machineProfile: { params: { dataDir: string; measure: boolean; refresh: boolean }; result: MachineView | null; progress: MachineProgress };
  /** The physical floor, or null where the engine cannot measure it. */
  limit: { params: { nx: number; ny: number; xRange: [number, number]; yRange: [number, number]; dtype: RunRequest['dtype'] & string }; result: RunRecord | null; progress: never };
  /** The records as a file's text: CSV, the JSON document, or a Markdown table. */
  resultsText: { params: { records: RunRecord[]; appVersion: string; format: ResultsFormat }; result: string; progress: never };
  /** Writes the grid to `path` (x, y, f rows as CSV, or the values as .npy), reusing the kept grid when it is the one asked for. */
  exportGrid: { params: { settings: GridSettings; path: string; format?: GridFormat }; result: { rows: number }; progress: { fraction: number } };
  /** The classroom: one lesson step. */
  lessonStep: {
    params: { step: number; formula: string; dtype: 'float32' | 'float64'; grid?: { nx: number; ny: number; xRange: [number, number]; yRange: [number, number] } };
    result: LessonStepResult;
    progress: TaskProgress;
  };
  /** A sweep; its progress carries the entries so far. */
  sweep: { params: { request: SweepRequest }; result: SweepResult; progress: SweepTaskProgress };
  /** pmap, the hand-written kernel and the write floor on 1, 2, … threads. */
  threadSweep: { params: ThreadSweepRequest; result: ThreadSweepResult; progress: TaskProgress };
  sweepCsv: { params: { result: Pick<SweepResult, 'entries' | 'dtype' | 'backend' | 'formula' | 'xRange' | 'yRange'>; appVersion: string }; result: string; progress: never };
  /** A request the export cannot honour fails with kind 'invalid-request'. */
  jaxProgram: { params: PythonProgramRequest; result: { text: string; fileName: string }; progress: never };
  /** A .vlab.json's text, checked; one that is not settings fails with kind 'settings'. */
  parseSettings: { params: { text: string }; result: { settings: LabSettings }; progress: never };
  settingsJson: { params: { settings: LabSettings }; result: string; progress: never };
  /** The engine process's memory, after a garbage collection: its JS heap, the allocator's live buffers and its reserve, and the process's resident set. */
  memory: { params: null; result: { heapUsedBytes: number; liveBytes: number; reservedBytes: number; rssBytes: number }; progress: never };
  /** For tests of the host: makes the engine die of an uncaught error. */
  crash: { params: null; result: never; progress: never };
  /** For tests of the host: makes the engine abort (SIGABRT), as native code does — Dawn on a GPU promise left pending at teardown. */
  abort: { params: null; result: never; progress: never };
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
