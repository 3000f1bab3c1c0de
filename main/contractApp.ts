// What the app learns once at start (AppInfo): the machine, how the engine was built, the strategies and limits,
// and the runs an earlier session left. Types only, imported through the contract (contract.ts).

import type { GridLimits, MachineProfile, Roof } from '../compute/leaves.js';
import type {
  Device,
  DType,
  FormulaPreset,
  LabStrategyName,
  MachineInfo as EngineMachineInfo,
  RunRecord,
  StrategyAvailability,
  StrategyName,
} from '../compute/index.js';

/** This machine as `vlab machine` measured it, and its roofs per dtype (compute/machine's roofs()). */
export interface MachineView {
  profile: MachineProfile;
  roofs: Record<DType, Roof[]>;
  /** Measured by this request (else read from the data folder, where an earlier launch or the CLI kept it). */
  measured: boolean;
}

/** The machine a run was measured on, as the CSV and the header show it, and its memory for the guard. */
export interface MachineInfo extends EngineMachineInfo {
  totalMemoryBytes: number;
}

/**
 * How the engine was built on this machine, for the About panel: the native addon, and the instruction set its kernels
 * were chosen for.
 */
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
  /**
   * Every strategy, available or not (with the reason), in the lesson's order; those waiting on a slow probe (the GPU,
   * the Python peers) are `pending` until app:probed answers.
   */
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

/** What AppInfo left pending, once Dawn's adapter and Python have been probed (app:probed). */
export interface ProbedFacts {
  availability: StrategyAvailability[];
  devices: Device[];
  /** The GPU adapter found, or 'none'. */
  gpuAdapter: string;
}

export interface PreviousSession {
  sessionId: string;
  startedAt: string;
  records: RunRecord[];
}
