// What a backend is: a way of running a traced graph. Every backend takes the
// same graph in and gives arrays out; the engine picks one per jit signature.
// Backends live beside the core and may import it; the core never imports them.

import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import type { NDArray } from '../core/ndarray.js';
import type { ZeroStrides } from './fuse.js';

export type BackendName = 'js' | 'native' | 'webgpu';
export const BACKEND_NAMES: readonly BackendName[] = ['js', 'native', 'webgpu'];

export type DeviceKind = 'cpu' | 'gpu';

/** A device as `vlab devices` and the app list it (JAX's jax.devices()). */
export interface Device {
  /** Stable within a run, e.g. "js:0", "native:3", "webgpu:0". */
  id: string;
  backend: BackendName;
  kind: DeviceKind;
  name: string;
  /** True for software stand-ins (a software GPU adapter). */
  software?: boolean;
  /** A native CPU device's SIMD target and its lanes (compute/native/src/isa.cc). */
  simd?: SimdTarget;
}

/** The SIMD target the native evaluator runs on: 'avx512', 'avx2', 'sse4', 'sse2', 'neon' or 'scalar'. */
export interface SimdTarget {
  isa: string;
  lanesFloat32: number;
  lanesFloat64: number;
}

/**
 * Whether a backend (or a strategy on it) can run here, and why not. `pending`: not known yet, its probe is under way
 * (Dawn's adapter, Python): AppInfo is answered without waiting, and says so.
 */
export type BackendStatus = { available: true } | { available: false; reason: string; pending?: true };

/** Cancellation and progress for a run that may take long. */
export interface RunControl {
  signal?: AbortSignal;
  /** Called with the fraction done, 0..1. */
  onProgress?: (fraction: number) => void;
}

/** Timing a backend measured itself (e.g. the GPU's upload, kernel and read-back). */
export interface ExecutionTimings {
  uploadMs?: number;
  kernelMs?: number;
  readbackMs?: number;
}

/** How a run is spread over a backend's devices: how many, and how many contiguous parts of the output. */
export interface Placement {
  /** Devices that work on the run; default: the backend's choice. */
  devices?: number;
  /** Contiguous parts of the output (pmap: one per device); default: the backend's choice. */
  parts?: number;
}

export interface Executable {
  readonly backend: BackendName;
  readonly graph: Graph;
  /** Runs to completion on the calling thread. Backends that cannot (GPU) leave it out. */
  readonly runSync?: (inputs: readonly NDArray[]) => NDArray[];
  run(inputs: readonly NDArray[], control?: RunControl): Promise<NDArray[]>;
  /** What the last run measured, where the backend measures more than wall time. */
  lastTimings?(): ExecutionTimings;
  /** Runs spread over several devices as placed (pmap). Backends with one device per run leave it out. */
  runOn?(inputs: readonly NDArray[], placement: Placement, control?: RunControl): Promise<NDArray[]>;
  /** The same, to completion on the calling thread. */
  runSyncOn?(inputs: readonly NDArray[], placement: Placement): NDArray[];
}

export interface CompileOptions {
  /** Per input, the axes with stride 0 in the arguments this signature was traced for. */
  zeroStrides: ZeroStrides;
}

export interface Backend {
  readonly name: BackendName;
  status(): BackendStatus;
  devices(): Device[];
  compile(graph: Graph, options: CompileOptions): Executable;
  /**
   * The physical floor: milliseconds to write count elements of the dtype
   * with all of this backend's threads (streaming stores, no arithmetic),
   * median of `repeats`. Backends that can measure it provide it.
   */
  measureWriteFloor?(
    count: number,
    dtype: DType,
    repeats: number,
    signal?: AbortSignal,
  ): Promise<{ ms: number; devices: number }>;
}

/** The error every backend throws when a run is cancelled through its signal. */
export class CancelledError extends Error {
  constructor(message = 'the run was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
