// The one contract between the renderer and the shells that host it (the
// Electron main process and the web shell). Each invoke channel is tied here
// to its request and response type, each event to its payload; the
// renderer's API type is derived from these maps, main validates every
// request against them (validate.ts) before acting. Grids cross as typed
// arrays, never as JSON lists of numbers. Every invoke is answered with an
// InvokeReply — the value, or a LabError naming its kind and numbers — on
// both transports; the renderer's LabApi turns a refusal into a thrown
// LabFailure (labError.ts). The renderer imports this file for types only;
// the two constant lists are for the preload and the hosts.

import type {
  AmdahlFit,
  CalibrationRequest,
  CalibrationResult,
  GridLimits,
  MachineProfile,
  MachineProgress,
  Roof,
  ThreadPoint,
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
  MachineInfo as EngineMachineInfo,
  GridSettings,
  SurfaceView,
} from '../compute/index.js';

export type { CalibrationRequest, CalibrationResult, MachineProfile, MachineProgress, Roof };

/** This machine as `vlab machine` measured it, and its roofs per dtype (compute/machine's roofs()). */
export interface MachineView {
  profile: MachineProfile;
  roofs: Record<DType, Roof[]>;
  /** Measured by this request (else read from the data folder, where an earlier launch or the CLI kept it). */
  measured: boolean;
}

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
};

/** What kind of failure an invoke met: the renderer chooses what to show by it, never by the message's words. */
export type LabErrorKind =
  /** The request itself was refused: it failed validation (validate.ts), or the engine cannot honour it as asked. */
  | 'invalid-request'
  /** It did not come from the lab's own window. */
  | 'refused'
  /** The formula does not parse or names something unknown: see position and length. */
  | 'formula'
  /** The memory guard refused the run before anything was allocated: see neededBytes and availableBytes. */
  | 'memory'
  /** A strategy or backend this machine does not have (no addon, no GPU adapter, no Python). */
  | 'unavailable'
  /** A file that is not the lab's settings. */
  | 'settings'
  | 'cancelled'
  /** The engine is doing another task: cancel it or wait. */
  | 'busy'
  /** The engine thread died; a fresh one has been started. */
  | 'crash'
  /** A file could not be read or written. */
  | 'io'
  /** The renderer lost its connection to the shell (the web shell's host stopped). */
  | 'disconnected'
  /** Any other failure inside the engine or the shell. */
  | 'engine';

/** The contract's one error convention: what every refused invoke answers, on both transports. */
export interface LabError {
  kind: LabErrorKind;
  message: string;
  /** kind 'formula': where in the text, and how many characters. */
  position?: number;
  length?: number;
  /** kind 'memory': the bytes the run needs, and those it may use. */
  neededBytes?: number;
  availableBytes?: number;
}

/** How every invoke is answered across a transport: its value, or the error. Never a rejection, which Electron's IPC would flatten to text. */
export type InvokeReply<T> = { ok: true; value: T } | { ok: false; error: LabError };

// The classroom (lesson steps, sweeps, "take it to JAX", shareable settings): its types are the engine's.
import type {
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
export type {
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

/** The classroom's threads sweep: pmap on 1…all native threads on the lab's grid (nx × ny over its domain), beside the kernel and the floor on the same threads and grid. */
export type ThreadSweepRequest = GridSettings;
/** The grid it ran on, as asked, and what each thread count measured. */
export interface ThreadSweepResult extends GridSettings {
  /** One per thread count, 1 first; speed-ups are each series' 1-thread time over its time here, the ideal the thread count. Past `cores`, devices share cores (sharesCores). */
  points: ThreadPoint[];
  /** The native pool's threads: points beyond it have more devices than cores. */
  cores: number;
  /** Amdahl's law fitted to pmap's times on up to `cores` threads (null on one core). */
  amdahl: AmdahlFit | null;
}

/** A sweep as the renderer asks for it: the engine's request, less what the app fixes. */
export type ClassroomSweepRequest = Pick<
  SweepRequest,
  'nMin' | 'nMax' | 'points' | 'ny' | 'aspect' | 'strategies' | 'dtype' | 'formula' | 'repeats' | 'xRange' | 'yRange'
>;

/** How far a lesson step or the threads sweep is. */
export interface TaskProgress {
  fraction: number;
  label: string;
}
/** A sweep's progress carries every entry so far, so the chart draws as it goes. */
export interface SweepTaskProgress extends TaskProgress {
  entries: SweepEntry[];
}
/** Progress of the classroom's task, by its kind: only a sweep's carries entries. */
export type ClassroomProgress = { taskId: string } & (
  ({ kind: 'lesson' } & TaskProgress) | ({ kind: 'sweep' } & SweepTaskProgress) | ({ kind: 'threads' } & TaskProgress)
);

/** The machine a run was measured on, as the CSV and the header show it, and its memory for the guard. */
export interface MachineInfo extends EngineMachineInfo {
  totalMemoryBytes: number;
}

/** How the engine was built on this machine, for the About panel: the native addon, and the instruction set its kernels were chosen for. */
export interface EngineBuild {
  nativeAddon: boolean;
  /** The evaluator's SIMD target: 'avx512', 'avx2', 'sse4', 'sse2', 'neon', 'scalar'; null without the addon. */
  isa: string | null;
  /** Its lanes per vector, float32 and float64; absent without the addon. */
  lanes?: { float32: number; float64: number };
  /** Why the addon is missing, in words; absent when it is there. */
  reason?: string;
}

/** What the app needs once at start. */
export interface AppInfo {
  appVersion: string;
  shell: 'electron' | 'web';
  machine: MachineInfo;
  engineBuild: EngineBuild;
  /** Every strategy, available or not (with the reason), in the lesson's order. */
  availability: StrategyAvailability[];
  devices: Device[];
  /** Native threads pmap can use (1 when the native backend is missing). */
  maxThreads: number;
  defaultFormula: string;
  /** The formula box's presets, the lesson's f first. */
  formulaPresets: FormulaPreset[];
  gridRange: readonly [number, number];
  /** The strategy names in the lesson's order: the lab's own, then the Python peers (compute/strategies/types.ts). */
  strategies: { lab: readonly LabStrategyName[]; peers: readonly StrategyName[] };
  /** The app's sizes: n's range, the slider's, the sweep's points (compute/limits.ts). */
  limits: GridLimits;
  /** Runs kept from an earlier session that the user has not taken back or dismissed. */
  previousSession: PreviousSession | null;
  /** Where finished runs are appended, so the user can find them. */
  resultsFile: string;
}

export interface PreviousSession {
  sessionId: string;
  startedAt: string;
  records: RunRecord[];
}

export interface RunSettings extends GridSettings {
  strategies: StrategyName[];
  /** Timed calls after the first. */
  repeats: number;
  /** Native threads for pmap; 0 = all. */
  devices: number;
  /** The output: the grid (default) or a number from it (max, min, sum, mean). */
  reduce?: ReduceMode;
}

/**
 * The traced graphs at a grid, for an output: a number's adds the fused reduction, and its sides may reach the
 * answer limit (tracing allocates no grid).
 */
export interface TraceRequest extends GridSettings {
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

export type SaveOutcome =
  | { status: 'saved'; path: string }
  /** The web shell hands files to the browser: a one-time address on the loopback host. */
  | { status: 'download'; url: string; fileName: string }
  | { status: 'cancelled' };

/** Results leave the app as CSV (spreadsheets), JSON (records with samples, machine, version) or a Markdown table. */
export type ResultsFormat = 'csv' | 'json' | 'markdown';
export const RESULTS_FORMATS: readonly ResultsFormat[] = ['csv', 'json', 'markdown'];
/** The grid leaves as CSV rows (x, y, f) or as NumPy's .npy (the values, about 8× smaller). */
export type GridFormat = 'csv' | 'npy';
export const GRID_FORMATS: readonly GridFormat[] = ['csv', 'npy'];

export interface ExportResultsRequest {
  records: RunRecord[];
  /** Default csv. */
  format?: ResultsFormat;
}

/** The grid to write (its GridSettings, as the preview and the run name it), plus the file's format. */
export type ExportGridRequest = GridSettings & {
  /** Default csv. */
  format?: GridFormat;
};

/** Invoke channels: request → response. */
export interface InvokeMap {
  'app:info': { request: null; response: AppInfo };
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
  /** This machine's profile: the kept one, else (with `measure`) measured now, about 10 s with progress; `refresh` measures again. Null: none kept and none measured. */
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
  /** The theme picker's choice, for the desktop's own chrome (menus, dialogs, the title bar); the web shell has none. */
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

/** A `.vlab.json` the desktop opened (File ▸ Open…, a recent document, the command line, the file manager): its settings, or why not. */
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

/** The renderer's view of a shell, over either transport: invoke resolves with the value or rejects with a LabFailure (labError.ts). */
export interface LabApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

// The lists are typed against the maps, so a channel added to one and not the other fails to compile.
const invokeChannels = {
  'app:info': true,
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
