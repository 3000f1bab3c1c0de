// The messages between the engine host (main thread) and the engine worker.
// A call names a method; its params and result types are tied here, so host
// and worker cannot disagree. Errors cross as plain objects that keep the
// engine's error name and its numbers (formula position, bytes needed).

import type { ThreadSweepRequest, ThreadSweepResult } from '../contract.js';
import type { RunRecord, RunRequest, TracedView } from '../../compute/index.js';
import type { LabSettings, LessonStepResult, PythonProgramRequest, SweepRequest, SweepResult } from '../../compute/index.js';
import type {
  AppInfo,
  FormulaCheck,
  GridFormat,
  GridSettings,
  GuardReport,
  MachineInfo,
  ResultsFormat,
  RunSettings,
  SurfaceView,
} from '../contract.js';

export interface EngineMethods {
  info: {
    params: null;
    result: Pick<AppInfo, 'availability' | 'devices' | 'maxThreads' | 'defaultFormula' | 'formulaPresets' | 'gridRange' | 'engineBuild'> & { machine: Omit<MachineInfo, 'appVersion'> };
  };
  checkFormula: { params: { text: string }; result: FormulaCheck };
  preview: { params: GridSettings; result: SurfaceView };
  /** f traced per strategy, and lowered; a formula error comes back as text. */
  trace: { params: GridSettings; result: TracedView | { error: string } };
  guard: { params: RunSettings; result: GuardReport };
  /** One strategy; with `surface`, a decimated view of its grid comes back and the grid is kept for export. */
  run: { params: { request: RunRequest; surface: boolean }; result: { record: RunRecord; surface?: SurfaceView } };
  /** The physical floor, or null where the engine cannot measure it. */
  limit: { params: { nx: number; ny: number; xRange: [number, number]; yRange: [number, number]; dtype: RunRequest['dtype'] & string }; result: RunRecord | null };
  /** The records as a file's text: CSV, the JSON document, or a Markdown table. */
  resultsText: { params: { records: RunRecord[]; appVersion: string; format: ResultsFormat }; result: string };
  /** Writes the grid to `path` (x, y, f rows as CSV, or the values as .npy), reusing the kept grid when it is the one asked for. */
  exportGrid: { params: { settings: GridSettings; path: string; format?: GridFormat }; result: { rows: number } };
  /** The classroom: one lesson step (progress: { fraction, label }). */
  lessonStep: {
    params: { step: number; formula: string; dtype: 'float32' | 'float64'; grid?: { nx: number; ny: number; xRange: [number, number]; yRange: [number, number] } };
    result: LessonStepResult;
  };
  /** A sweep; its progress carries the entries so far. */
  sweep: { params: { request: SweepRequest }; result: SweepResult };
  /** pmap, the hand-written kernel and the write floor on 1, 2, … threads; progress carries the points so far. */
  threadSweep: { params: ThreadSweepRequest; result: ThreadSweepResult };
  sweepCsv: { params: { result: Pick<SweepResult, 'entries' | 'dtype' | 'backend' | 'formula' | 'xRange' | 'yRange'>; appVersion: string }; result: string };
  jaxProgram: { params: PythonProgramRequest; result: { text: string; fileName: string } | { error: string } };
  /** A .vlab.json's text, checked; or why it is not one. */
  parseSettings: { params: { text: string }; result: { settings: LabSettings } | { error: string } };
  settingsJson: { params: { settings: LabSettings }; result: string };
  /** The engine thread's memory, after a garbage collection: its JS heap, the allocator's live buffers and its reserve. */
  memory: { params: null; result: { heapUsedBytes: number; liveBytes: number; reservedBytes: number } };
  /** For tests of the host: makes the worker die as a crash would. */
  crash: { params: null; result: never };
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];

export interface SerializedError {
  name: string;
  message: string;
  /** FormulaError: where in the text. */
  position?: number;
  length?: number;
  /** MemoryGuardError: the bytes needed and those available. */
  neededBytes?: number;
  availableBytes?: number;
}

export type ToWorker =
  | { type: 'call'; id: number; method: EngineMethod; params: unknown }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'progress'; id: number; progress: unknown };
