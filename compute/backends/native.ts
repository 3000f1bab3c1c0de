// The native backend: a graph is fused (fuse.ts), lowered to register
// bytecode (nativeBytecode.ts), validated by the addon, and evaluated block by
// block on a fixed pool of native threads. Those threads are the CPU devices
// of pmap: `devices()` lists one per thread. A run on the pool returns a
// promise and never blocks the event loop; cancellation is honoured between
// blocks. jit(f, { backend: 'native' }) uses the whole pool; the lesson's
// single-device strategies run inside onOneDevice(), so that pmap's gain is
// the gain of more devices. This module never builds the addon.

import { AsyncLocalStorage } from 'node:async_hooks';
import { cpus } from 'node:os';
import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { linspace } from '../core/creation.js';
import { NATIVE_MAX_THREADS } from '../limits.js';
import { NDArray } from '../core/ndarray.js';
import {
  type Backend,
  type BackendStatus,
  type CompileOptions,
  type Device,
  type Executable,
  type Placement,
  type RunControl,
  CancelledError,
  throwIfCancelled,
} from './backend.js';
import { type FusedKernel, fuseGraph } from './fuse.js';
import { type NativeReduction, nativeReduction, partialValues, reductionResult } from './nativeReduce.js';
import { sizeOf } from '../core/shape.js';
import { type NativeAddon, type NativeHandle, type NativeProgram, loadAddon } from './nativeAddon.js';
import { type OpcodeTable, BYTECODE_VERSION, lowerKernel, opcodeTable } from './nativeBytecode.js';

type FloatArray = Float32Array | Float64Array;

const deviceScope = new AsyncLocalStorage<number>();

/** Runs fn with native runs limited to `devices` threads (the single-device strategies use 1). */
export function onDevices<T>(devices: number, fn: () => T): T {
  return deviceScope.run(devices, fn);
}

/** Runs fn with every native run on one thread: the native backend as one device. */
export function onOneDevice<T>(fn: () => T): T {
  return onDevices(1, fn);
}

let requestedThreads: number | undefined;

/**
 * Sets the size of the native pool (the number of CPU devices) before it starts.
 * The pool is created once per process, at the first native run; after that its
 * size is fixed and asking for another is an error. VLAB_THREADS does the same
 * from the environment.
 */
export function configureNativeThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > NATIVE_MAX_THREADS) {
    throw new RangeError(`threads must be an integer from 1 to ${NATIVE_MAX_THREADS}, got ${threads}`);
  }
  const { addon } = loadAddon();
  const running = addon?.poolSize() ?? 0;
  if (running > 0 && running !== threads) {
    throw new Error(`the native pool already runs ${running} threads; set the thread count before the first native run (or VLAB_THREADS=${threads})`);
  }
  requestedThreads = threads;
}

class NativeRuntime {
  readonly opcodes: OpcodeTable;
  private poolThreads = 0;

  constructor(readonly addon: NativeAddon, readonly path: string) {
    if (addon.bytecodeVersion !== BYTECODE_VERSION) {
      throw new Error(`the native addon speaks bytecode v${addon.bytecodeVersion}, the engine v${BYTECODE_VERSION}: rebuild it (npm run build:native)`);
    }
    this.opcodes = opcodeTable(addon.opcodes());
  }

  /** The pool's size once it runs (fixed from then on); before that, the size it will start with. */
  get threads(): number {
    if (this.poolThreads > 0) return this.poolThreads;
    const running = this.addon.poolSize();
    return running > 0 ? running : (requestedThreads ?? this.addon.defaultThreads());
  }

  /** The pool, started on first use with the size devices() announced. */
  pool(): NativeAddon {
    if (this.poolThreads === 0) this.poolThreads = this.addon.startPool(this.threads);
    return this.addon;
  }

  /** Threads for a run: the placement's, else the scope's, else all; never more than the pool has. */
  workers(placement: Placement = {}): number {
    const wanted = placement.devices ?? deviceScope.getStore() ?? this.threads;
    return Math.max(1, Math.min(this.threads, wanted));
  }
}

/** A fused kernel with its validated program. */
interface CompiledKernel {
  fused: FusedKernel;
  program: NativeProgram;
  /** Launch geometry, rewritten per call: the addon copies it before returning, so one buffer serves every run. */
  geometry: Float64Array;
}

export class NativeExecutable implements Executable {
  readonly backend = 'native' as const;
  private readonly kernels: CompiledKernel[];
  private lastPoolMs: number | undefined;
  /** The per-part values of the last asynchronous map-reduce to one number (one per device under pmap). */
  lastPartials: number[] = [];

  constructor(
    readonly graph: Graph,
    options: CompileOptions,
    private readonly runtime: NativeRuntime,
  ) {
    this.kernels = fuseGraph(graph, options.zeroStrides).map((fused) => {
      const bytecode = lowerKernel(fused, graph.inputs.length, runtime.opcodes);
      const rank = fused.outShape.length;
      const geometry = new Float64Array(rank + fused.reads.length * (1 + rank));
      return { fused, program: runtime.addon.compile(bytecode.code, bytecode.consts), geometry };
    });
  }

  readonly runSync = (inputs: readonly NDArray[]): NDArray[] => this.runSyncOn(inputs, {});

  /** Runs to completion, blocking this thread (small graphs run on it directly). */
  runSyncOn(inputs: readonly NDArray[], placement: Placement): NDArray[] {
    const addon = this.runtime.pool();
    const datas = inputs.map((a) => a.data);
    const workers = this.runtime.workers(placement);
    const outputs: NDArray[] = [];
    try {
      const passes: (NativeReduction | null)[] = [];
      for (const kernel of this.kernels) {
        const shared = kernel.fused.sharesPass === undefined ? null : passes[kernel.fused.sharesPass]!;
        passes.push(shared);
        if (shared) {
          outputs.push(reductionResult(kernel.fused, shared));
          continue;
        }
        if (kernel.fused.reduce) {
          const reduction = nativeReduction(kernel.fused, workers, placement.parts);
          passes[passes.length - 1] = reduction;
          const { request, partials } = reduction;
          if (sizeOf(kernel.fused.outShape) > 0) addon.runSync(kernel.program, partials, datas, fillGeometry(kernel, inputs), workers, request[3], request);
          outputs.push(reductionResult(kernel.fused, reduction));
          continue;
        }
        const out = NDArray.empty(kernel.fused.outShape, kernel.fused.dtype);
        outputs.push(out);
        addon.runSync(kernel.program, out.data, datas, fillGeometry(kernel, inputs), workers, placement.parts);
      }
      return outputs;
    } catch (error) {
      for (const out of outputs) out.dispose();
      throw error;
    }
  }

  run(inputs: readonly NDArray[], control: RunControl = {}): Promise<NDArray[]> {
    return this.runOn(inputs, {}, control);
  }

  /** Runs on the pool without blocking the event loop: `placement.devices` threads, `placement.parts` parts (default: balanced by the addon). */
  async runOn(inputs: readonly NDArray[], placement: Placement, control: RunControl = {}): Promise<NDArray[]> {
    throwIfCancelled(control.signal);
    const addon = this.runtime.pool();
    const datas = inputs.map((a) => a.data);
    const workers = this.runtime.workers(placement);
    const outputs: NDArray[] = [];
    const count = this.kernels.length;
    let poolMs = 0;
    try {
      const passes: (NativeReduction | null)[] = [];
      for (let k = 0; k < count; k++) {
        const kernel = this.kernels[k]!;
        const shared = kernel.fused.sharesPass === undefined ? null : passes[kernel.fused.sharesPass]!;
        passes.push(shared);
        if (shared) {
          outputs.push(reductionResult(kernel.fused, shared));
          continue;
        }
        const reduction = kernel.fused.reduce ? nativeReduction(kernel.fused, workers, placement.parts) : null;
        passes[k] = reduction;
        const out = reduction ? null : NDArray.empty(kernel.fused.outShape, kernel.fused.dtype);
        if (out) outputs.push(out);
        const onProgress = control.onProgress;
        const parts = reduction ? reduction.request[3] : placement.parts;
        const empty = reduction !== null && sizeOf(kernel.fused.outShape) === 0;
        const handle = empty ? null : addon.run(kernel.program, reduction?.partials ?? out!.data, datas, fillGeometry(kernel, inputs), {
          workers,
          ...(parts ? { parts } : {}),
          ...(reduction ? { reduce: reduction.request } : {}),
          ...(onProgress ? { onProgress: (f: number) => onProgress((k + f) / count) } : {}),
        });
        if (handle) poolMs += await settle(handle, control.signal);
        if (reduction) {
          this.lastPartials = partialValues(kernel.fused, reduction);
          outputs.push(reductionResult(kernel.fused, reduction));
        }
        control.onProgress?.((k + 1) / count);
      }
      this.lastPoolMs = poolMs;
      return outputs;
    } catch (error) {
      for (const out of outputs) out.dispose();
      throw error;
    }
  }

  /** Milliseconds the pool spent on the last asynchronous run (first task start to last task end). */
  lastTimings() {
    return this.lastPoolMs === undefined ? {} : { kernelMs: this.lastPoolMs };
  }
}

/** The launch geometry of one kernel: the output shape, then per read its offset and strides along the output axes. */
function fillGeometry({ fused, geometry: g }: CompiledKernel, inputs: readonly NDArray[]): Float64Array {
  const shape = fused.outShape;
  const rank = shape.length;
  for (let a = 0; a < rank; a++) g[a] = shape[a]!;
  let at = rank;
  for (const read of fused.reads) {
    const input = inputs[read.input]!;
    g[at] = input.offset;
    if (rank > 0) {
      g.fill(0, at + 1, at + 1 + rank);
      read.axisMap.forEach((outAxis, k) => {
        if (outAxis >= 0) g[at + 1 + outAxis]! += input.strides[k]!;
      });
    }
    at += 1 + rank;
  }
  return g;
}

/** Awaits a native run, cancelling it when the signal fires; the promise settles only once every thread has stopped. */
async function settle(handle: NativeHandle, signal: AbortSignal | undefined): Promise<number> {
  const cancel = () => handle.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await handle.promise;
  } catch (error) {
    if (error instanceof Error && error.name === 'CancelledError') throw new CancelledError();
    throw error;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

function cpuName(): string {
  const model = cpus()[0]?.model?.trim();
  return model && model.length > 0 ? model : 'CPU';
}

export class NativeBackend implements Backend {
  readonly name = 'native' as const;
  private readonly model = cpuName();

  constructor(private readonly runtime: NativeRuntime) {}

  status(): BackendStatus {
    return { available: true };
  }

  /** One CPU device per pool thread, as jax.devices('cpu') on a host with that many devices. */
  devices(): Device[] {
    return Array.from({ length: this.runtime.threads }, (_, k) => ({
      id: `native:${k}`,
      backend: 'native' as const,
      kind: 'cpu' as const,
      name: `${this.model} — native thread ${k}`,
    }));
  }

  compile(graph: Graph, options: CompileOptions): NativeExecutable {
    return new NativeExecutable(graph, options, this.runtime);
  }

  /** The instruction set the evaluator runs with, and where the addon was loaded from. */
  describe(): { isa: string; threads: number; path: string } {
    return { isa: this.runtime.addon.isa(), threads: this.runtime.threads, path: this.runtime.path };
  }

  /** The started pool, for a yardstick on `devices` of its threads. */
  addonForYardsticks(devices: number): NativeAddon {
    const addon = this.runtime.pool();
    if (devices > this.runtime.threads) throw new RangeError(`the pool has ${this.runtime.threads} threads, not ${devices}`);
    return addon;
  }

  async measureWriteFloor(count: number, dtype: DType, repeats: number): Promise<{ ms: number; devices: number }> {
    return { ms: await this.writeFloorMs(count, dtype, repeats, this.runtime.threads), devices: this.runtime.threads };
  }

  /** Streaming stores of `count` values on `threads` threads, median of `repeats` (the floor at that thread count). */
  async writeFloorMs(count: number, dtype: DType, repeats: number, threads: number): Promise<number> {
    const addon = this.runtime.pool();
    const workers = this.runtime.workers({ devices: threads });
    const out = NDArray.empty([count], dtype);
    try {
      const times: number[] = [];
      // The first pass pays the first touch of fresh pages; only the passes after it are timed.
      for (let k = 0; k <= Math.max(1, repeats); k++) {
        const started = performance.now();
        await addon.measureFloor(out.data, workers).promise;
        if (k > 0) times.push(performance.now() - started);
      }
      return median(times);
    } finally {
      out.dispose();
    }
  }

  /**
   * The lesson's f as a hand-written, vectorized C++ loop over the grid on
   * `devices` threads, median of `repeats`: what the native evaluator is held
   * to, on the same x and y as the strategies it is set beside.
   */
  async handWrittenLoopMs({ nx, ny, xRange, yRange }: LessonGrid, dtype: DType, repeats: number, devices = 1): Promise<number> {
    const addon = this.runtime.pool();
    const x = linspace(xRange[0], xRange[1], nx, { dtype });
    const y = linspace(yRange[0], yRange[1], ny, { dtype });
    const out = NDArray.empty([nx, ny], dtype);
    try {
      const times: number[] = [];
      for (let k = 0; k <= Math.max(1, repeats); k++) {
        const started = performance.now();
        await addon.lessonLoop(out.data, x.data, y.data, this.runtime.workers({ devices })).promise;
        if (k > 0) times.push(performance.now() - started);
      }
      return median(times);
    } finally {
      out.dispose();
      x.dispose();
      y.dispose();
    }
  }
}

/**
 * The hand-written fused max (the lesson's f, folded block by block into a
 * running maximum, never stored) on `devices` threads, one part per thread:
 * median milliseconds of `repeats` and the maximum it found.
 */
export async function handWrittenMaxMs(
  backend: NativeBackend, { nx, ny, xRange, yRange }: LessonGrid, dtype: DType, repeats: number, devices: number,
): Promise<{ ms: number; max: number }> {
  const x = linspace(xRange[0], xRange[1], nx, { dtype });
  const y = linspace(yRange[0], yRange[1], ny, { dtype });
  const parts = new Float64Array(Math.max(1, Math.min(devices, nx)));
  try {
    const times: number[] = [];
    for (let k = 0; k <= Math.max(1, repeats); k++) {
      const started = performance.now();
      await backend.addonForYardsticks(devices).lessonMax(parts, x.data, y.data, devices).promise;
      if (k > 0) times.push(performance.now() - started);
    }
    return { ms: median(times), max: parts.reduce((a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)), -Infinity) };
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** The grid of the hand-written loop: nx × ny points over xRange × yRange (a strategy's GridSpec). */
export interface LessonGrid {
  nx: number;
  ny: number;
  xRange: readonly [number, number];
  yRange: readonly [number, number];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The backend, or a readable reason it cannot be had (the registry records it). */
export async function loadNativeBackend(): Promise<NativeBackend> {
  const loaded = loadAddon();
  if (!loaded.addon) throw new Error(loaded.reason);
  const fromEnv = process.env.VLAB_THREADS;
  if (fromEnv !== undefined && fromEnv !== '' && !(/^\s*[1-9]\d*\s*$/.test(fromEnv) && Number(fromEnv) <= NATIVE_MAX_THREADS)) {
    throw new Error(`VLAB_THREADS must be an integer from 1 to ${NATIVE_MAX_THREADS}, got '${fromEnv}'`);
  }
  return new NativeBackend(new NativeRuntime(loaded.addon, loaded.path));
}
