// The one contract between the renderer and the shells that host it (the
// Electron main process and the web shell). Each invoke channel is tied here
// to its request and response type, each event to its payload; the
// renderer's API type is derived from these maps, main validates every
// request against them (validate.ts) before acting. Grids cross as typed
// arrays, never as JSON lists of numbers. Every invoke is answered with an
// InvokeReply — the value, or a LabError naming its kind and numbers — on
// both transports; the renderer's LabApi turns a refusal into a thrown
// LabFailure (labError.ts). The payloads' types are kept in modules by idea
// (contractErrors, contractApp, contractRuns, contractClassroom,
// contractFiles) and re-exported here, so every side imports the contract
// alone. The renderer takes types and the format lists from this file; the
// channel lists are for the preload and the hosts. It imports nothing but
// types, so the renderer may load it.

import type {
  CalibrationRequest,
  CalibrationResult,
  MachineProfile,
  MachineProgress,
  Roof,
} from '../compute/leaves.js';
import type {
  Device,
  DType,
  FormulaCheck,
  RunProgress,
  RunRecord,
  StrategyAvailability,
  StrategyName,
  LabStrategyName,
  ReduceMode,
  TracedView,
  FormulaPreset,
  GridSettings,
  SurfaceView,
  // The classroom (lesson steps, sweeps, "take it to JAX", shareable settings): its types are the engine's.
  LabSettings,
  LayoutItem,
  LayoutSettings,
  LessonStepResult,
  JaxExportRequest,
  SweepEntry,
  SweepRequest,
  SweepResult,
  Theme,
} from '../compute/index.js';
import type { LabError, InvokeReply } from './contractErrors.js';
import type { AppInfo, MachineView, ProbedFacts } from './contractApp.js';
import type {
  GuardReport,
  RunBatchRequest,
  RunBatchResult,
  RunFailure,
  RunSettings,
  TraceRequest,
} from './contractRuns.js';
import type {
  ClassroomProgress,
  ClassroomSweepRequest,
  ThreadSweepRequest,
  ThreadSweepResult,
} from './contractClassroom.js';
import type { ExportGridRequest, ExportResultsRequest, SaveOutcome } from './contractFiles.js';

// The payloads' types live in modules by idea; the contract is where every side finds them.
export type * from './contractErrors.js';
export type * from './contractApp.js';
export type * from './contractRuns.js';
export type * from './contractClassroom.js';
export type * from './contractFiles.js';
export type { CalibrationRequest, CalibrationResult, MachineProfile, MachineProgress, Roof };

/** The machine view's charts, each exported as SVG or PNG. */
export type ChartName = 'roofline' | 'mountain';
export const CHART_NAMES: readonly ChartName[] = ['roofline', 'mountain'];
export type ChartFormat = 'svg' | 'png';
export const CHART_FORMATS: readonly ChartFormat[] = ['svg', 'png'];
export type {
  Device,
  DType,
  FormulaCheck,
  FormulaPreset,
  GridSettings,
  LabStrategyName,
  ReduceMode,
  RunProgress,
  RunRecord,
  StrategyAvailability,
  StrategyName,
  SurfaceView,
  TracedView,
  LabSettings,
  LayoutItem,
  LayoutSettings,
  LessonStepResult,
  JaxExportRequest,
  SweepEntry,
  SweepRequest,
  SweepResult,
  Theme,
};

/** Results leave the app as CSV (spreadsheets), JSON (records with samples, machine, version) or a Markdown table. */
export type ResultsFormat = 'csv' | 'json' | 'markdown';
export const RESULTS_FORMATS: readonly ResultsFormat[] = ['csv', 'json', 'markdown'];
/** The grid leaves as CSV rows (x, y, f) or as NumPy's .npy (the values, about 8× smaller). */
export type GridFormat = 'csv' | 'npy';
export const GRID_FORMATS: readonly GridFormat[] = ['csv', 'npy'];

/** Invoke channels: request → response. */
export interface InvokeMap {
  /** Answered at once: what waits on a slow probe (Dawn's adapter, Python) is marked pending. */
  'app:info': { request: null; response: AppInfo };
  /** What AppInfo left pending, once every probe has settled. */
  'app:probed': { request: null; response: ProbedFacts };
  'formula:check': { request: { text: string }; response: FormulaCheck };
  /** f at the surface's sampled points; a bad formula is refused with kind 'formula'. */
  'surface:preview': { request: GridSettings; response: SurfaceView };
  /** f traced as each strategy calls it, and the vmap graph lowered to WGSL and native bytecode. */
  'graph:trace': { request: TraceRequest; response: TracedView };
  'run:guard': { request: RunSettings; response: GuardReport };
  'run:start': { request: RunBatchRequest; response: RunBatchResult };
  'run:cancel': { request: { runId: string }; response: { cancelled: boolean } };
  /** Live's start: each strategy timed on tiny grids, for its first predictions (a few tens of ms once warm). */
  'live:calibrate': { request: CalibrationRequest; response: CalibrationResult };
  'session:restore': { request: null; response: { records: RunRecord[] } };
  'session:dismiss': { request: null; response: null };
  'export:results': { request: ExportResultsRequest; response: SaveOutcome };
  'export:grid': { request: ExportGridRequest; response: SaveOutcome };
  'export:png': { request: { png: Uint8Array }; response: SaveOutcome };
  /** A chart of the machine view as drawn: the SVG's text as UTF-8, or a PNG. */
  'export:chart': { request: { chart: ChartName; format: ChartFormat; data: Uint8Array }; response: SaveOutcome };
  /**
   * This machine's profile: the kept one, else (with `measure`) measured now, about 10 s with progress; `refresh`
   * measures again. Null: none kept and none measured.
   */
  'machine:profile': { request: { measure: boolean; refresh: boolean }; response: MachineView | null };
  /** Stops the machine measurement in flight; `cancelled` false when none was running. */
  'machine:cancel': { request: null; response: { cancelled: boolean } };
  /** A lesson step over the lab's grid (its domain, and the rectangular grid the naive and meshgrid steps show). */
  'classroom:lesson': {
    request: {
      taskId: string;
      step: number;
      formula: string;
      dtype: DType;
      grid?: Pick<GridSettings, 'nx' | 'ny' | 'xRange' | 'yRange'>;
    };
    response: LessonStepResult;
  };
  'classroom:sweep': { request: { taskId: string; sweep: ClassroomSweepRequest }; response: SweepResult };
  'classroom:threads': { request: { taskId: string; sweep: ThreadSweepRequest }; response: ThreadSweepResult };
  'classroom:cancel': { request: { taskId: string }; response: { cancelled: boolean } };
  'classroom:jax': { request: JaxExportRequest; response: { text: string; fileName: string } };
  'export:python': { request: JaxExportRequest; response: SaveOutcome };
  /** The last sweep the service ran, as CSV. */
  'export:sweep': { request: { taskId: string }; response: SaveOutcome };
  'settings:save': { request: { settings: LabSettings }; response: SaveOutcome };
  /** A file that is not settings is refused with kind 'settings'. */
  'settings:parse': { request: { text: string }; response: { settings: LabSettings } };
  /** Kept in the app's data folder, so the app reopens where it was. */
  'settings:remember': { request: { settings: LabSettings }; response: null };
  'settings:restore': { request: null; response: { settings: LabSettings } | null };
  /**
   * The theme picker's choice, for the desktop's own chrome (menus, dialogs, the title bar); the web shell has none.
   */
  'theme:set': { request: { theme: Theme }; response: null };
}

export type MenuCommand =
  | 'run'
  | 'cancel'
  | 'export-results'
  | 'export-grid'
  | 'export-png'
  | 'reset-view'
  | 'toggle-projector'
  | 'toggle-presenter'
  | 'save-settings'
  | 'open-guide';

/**
 * A `.vlab.json` the desktop opened (File ▸ Open…, a recent document, the command line, the file manager): its
 * settings, or why not.
 */
export type OpenedDocument = { fileName: string; settings: LabSettings } | { fileName: string; error: LabError };

/** Events: main → renderer. */
export interface EventMap {
  'run:progress': { runId: string; progress: RunProgress; index: number; total: number };
  /** A strategy finished: its record and, for an nx × ny result, a decimated view of its grid. */
  'run:record': { runId: string; record: RunRecord; surface?: SurfaceView };
  'run:failure': { runId: string; failure: RunFailure };
  /** The engine died; a fresh one has been started. */
  'engine:crashed': { message: string };
  'menu:command': { command: MenuCommand };
  'classroom:progress': ClassroomProgress;
  'document:opened': OpenedDocument;
  'machine:progress': MachineProgress;
}

export type InvokeChannel = keyof InvokeMap;
export type EventName = keyof EventMap;
export type RequestOf<C extends InvokeChannel> = InvokeMap[C]['request'];
export type ResponseOf<C extends InvokeChannel> = InvokeMap[C]['response'];

/** What a transport carries: each invoke answered with its InvokeReply (the Electron preload's global is one). */
export interface LabTransport {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<InvokeReply<ResponseOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

/**
 * The renderer's view of a shell, over either transport: invoke resolves with the value or rejects with a LabFailure
 * (labError.ts).
 */
export interface LabApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

// The lists are typed against the maps, so a channel added to one and not the other fails to compile.
const invokeChannels = {
  'app:info': true,
  'app:probed': true,
  'formula:check': true,
  'surface:preview': true,
  'graph:trace': true,
  'run:guard': true,
  'run:start': true,
  'run:cancel': true,
  'live:calibrate': true,
  'session:restore': true,
  'session:dismiss': true,
  'export:results': true,
  'export:grid': true,
  'export:png': true,
  'export:chart': true,
  'machine:profile': true,
  'machine:cancel': true,
  'classroom:lesson': true,
  'classroom:sweep': true,
  'classroom:threads': true,
  'classroom:cancel': true,
  'classroom:jax': true,
  'export:python': true,
  'export:sweep': true,
  'settings:save': true,
  'settings:parse': true,
  'settings:remember': true,
  'settings:restore': true,
  'theme:set': true,
} satisfies Record<InvokeChannel, true>;
const eventNames = {
  'run:progress': true,
  'run:record': true,
  'run:failure': true,
  'engine:crashed': true,
  'menu:command': true,
  'classroom:progress': true,
  'document:opened': true,
  'machine:progress': true,
} satisfies Record<EventName, true>;

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const EVENT_NAMES = Object.keys(eventNames) as EventName[];

/** The Electron preload's global, and the name the renderer looks for. */
export const PRELOAD_GLOBAL = 'vlab';
