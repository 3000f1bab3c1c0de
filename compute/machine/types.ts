// The machine view's types: what `vlab machine` measures (the MachineProfile,
// kept per machine in the data folder), what a run record gains when it is
// placed against it (RooflineFields, all optional on RunRecord), and the
// Amdahl fit of a threads sweep. A leaf module: types and constants only, no
// imports beyond the dtype, so that the renderer may import it.
//
// The API around these types (compute/machine/index.ts):
//   measureMachine(options)         -> Promise<MachineProfile>   (< 10 s, progress, AbortSignal)
//   machineProfile({ dataDir, refresh, signal, onProgress })
//                                   -> Promise<MachineProfile>   (the kept one, else measured and kept)
//   readCaches()                    -> Caches                    (from the OS; never throws)
//   rooflineFields(record, graph/plan, profile?) -> RooflineFields
//   roofs(profile, dtype, isa?)     -> Roof[]                    (the chart's lines)
//   fitAmdahl(points)               -> AmdahlFit
// Units: bytes, GB/s (1e9 bytes per second), Gflop/s (1e9 per second), ns.

import type { DType } from '../core/dtype.js';

/** The memory levels of the roofline and the mountain, fastest first. */
export const MEMORY_LEVELS = ['L1', 'L2', 'L3', 'DRAM'] as const;
export type MemoryLevel = (typeof MEMORY_LEVELS)[number];
export type CacheLevel = Exclude<MemoryLevel, 'DRAM'>;

/** Data cache sizes as the OS reports them (per core for L1 and L2, per socket for L3). */
export interface Caches {
  /** Bytes per level; a level the OS did not report is absent. */
  L1?: number;
  L2?: number;
  L3?: number;
  /** Where the sizes came from: 'sysfs', 'sysctl', 'wmic', or 'unknown'. */
  source: string;
  /** Why a size is missing (the command that failed, the file that was absent), when one is. */
  problem?: string;
}

/** Bandwidth at one working-set size, on all threads together (each thread its own slice). */
export interface BandwidthPoint {
  /** The working set of all threads together, in bytes. */
  bytes: number;
  readGBps: number;
  writeGBps: number;
}

/** One level's plateau: the bandwidth at a working set chosen from the cache sizes to sit well inside that level. */
export interface LevelBandwidth extends BandwidthPoint {
  /**
   * How the writes were made: 'stores' (ordinary stores, the data stays in cache) or
   * 'streaming' (non-temporal stores past the caches, as the write floor makes them: always
   * DRAM's, and L3's where they are the faster way to write that much).
   * Both write non-zero, varying values, as a real output is.
   */
  writeKind: 'stores' | 'streaming';
}

/** Peak fused multiply-add throughput of one ISA copy for one dtype: 2 flops per FMA (mul and add where no FMA). */
export interface PeakThroughput {
  oneThread: number;
  allThreads: number;
}

/** SIMD width of one ISA copy: values of each dtype one instruction holds. */
export type Lanes = Record<DType, number>;

/** What `vlab machine` measures; kept per machine (cpuModel + cores) in the data folder. */
export interface MachineProfile {
  /** Bumped when what is measured changes; a kept profile of another version is measured again. */
  version: number;
  /** The file-name-safe key the profile is kept under: CPU model and core count. */
  key: string;
  cpuModel: string;
  /** Threads the native pool runs (the CPU devices of pmap). */
  cores: number;
  /** ISO time of the measurement. */
  measuredAt: string;
  /** How long the measurement took, in ms. */
  measureMs: number;
  caches: Caches;
  /** The plateaus, ordered L1 > L2 > L3 > DRAM on a sound machine. */
  bandwidth: Record<MemoryLevel, LevelBandwidth>;
  /** The memory mountain for this machine: bandwidth against working set, log-spaced sizes, smallest first. */
  bandwidthCurve: BandwidthPoint[];
  /** The ISA copies this CPU runs, narrowest first; the last is the one the evaluator picks. */
  isas: string[];
  /** Per ISA copy: values per instruction. */
  lanes: Record<string, Lanes>;
  /** Per ISA copy and dtype: Gflop/s of an FMA loop with no memory traffic. */
  peakGflops: Record<string, Record<DType, PeakThroughput>>;
  /** The evaluator's own cos (the real bytecode VM, the default ISA), per ns per thread. */
  transcendentalsPerNs: Record<DType, number>;
}

/** Progress of measureMachine: the fraction done and the phase it is in ('caches', 'bandwidth', 'peak', 'cos'). */
export interface MachineProgress {
  fraction: number;
  phase: string;
}

/** Which roof a run sits under: a memory level's bandwidth, FMA throughput, cos throughput, or none (dispatch). */
export const ROOFLINE_BOUNDS = [...MEMORY_LEVELS, 'compute', 'transcendental', 'overhead'] as const;
export type RooflineBound = (typeof ROOFLINE_BOUNDS)[number];

/**
 * What a run record gains when it is placed on the roofline (all optional on
 * RunRecord). bytesMoved and the operation counts are a model, from the
 * strategy's plan and the traced graph, not counters: the record's note says so.
 */
export interface RooflineFields {
  /** Bytes the strategy reads and writes in one call: meshes written and read, each eager temporary, the output. */
  bytesMoved?: number;
  /** Arithmetic operations per output point, from the traced graph, transcendental calls not included. */
  opsPerPoint?: number;
  /** Transcendental calls (cos, exp, …) per output point, counted apart. */
  transcendentalsPerPoint?: number;
  /** opsPerPoint · points / bytesMoved: flops per byte. */
  arithmeticIntensity?: number;
  /** bytesMoved / median time, GB/s. */
  achievedGBps?: number;
  /** Output points per second, in billions. */
  gPointsPerS?: number;
  /** The roof that bounds the run (the one predicting the longest time), when a machine profile is at hand. */
  bound?: RooflineBound;
  /** The bounding roof's predicted time over the measured median: 1 means on the roof. */
  roofFraction?: number;
}

/** One line of the roofline chart: a bandwidth slope (GB/s) or a flat compute roof (Gflop/s). */
export type Roof =
  | { kind: 'memory'; level: MemoryLevel; gbps: number; label: string }
  | { kind: 'compute'; isa: string; threads: number; gflops: number; label: string };

/** Amdahl's law fitted to a threads sweep: speed-up(p) = 1 / (s + (1 − s) / p). */
export interface AmdahlFit {
  /** The serial fraction s, in [0, 1]. */
  serialFraction: number;
  /** 1 / s: the speed-up no thread count passes (Infinity when s is 0). */
  maxSpeedup: number;
  /** Root-mean-square error of the fitted speed-ups against the measured ones. */
  rmsError: number;
  /** The cores the machine has: points past this count share cores. */
  cores: number;
}

/**
 * The version of MachineProfile that this build writes and reads; a kept profile of another version is measured
 * again. 2: each level's bandwidth is the best of the mountain's points in its window, not one point.
 */
export const MACHINE_PROFILE_VERSION = 2;
