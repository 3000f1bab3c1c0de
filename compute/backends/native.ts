// The native backend: a graph is fused (fuse.ts), lowered to register
// bytecode (nativeBytecode.ts), validated by the addon, and evaluated block by
// block on a fixed pool of native threads. Those threads are the CPU devices
// of pmap: `devices()` lists one per thread. A run on the pool returns a
// promise and never blocks the event loop; cancellation is honoured between
// blocks. jit(f, { backend: 'native' }) uses the whole pool; the lesson's
// single-device strategies run inside onOneDevice(), so that pmap's gain is
// the gain of more devices. The pool and the scopes (devices, SIMD target)
// are nativePool.ts, the yardsticks nativeYardsticks.ts, one launch's
// geometry and its awaiting nativeLaunch.ts. This module never
// builds the addon.

import { cpus } from 'node:os';
import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
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
  throwIfCancelled,
} from './backend.js';
import { fuseGraph } from './fuse.js';
import { type NativeAddon, type NativeTarget, loadAddon } from './nativeAddon.js';
import { lowerKernel } from './nativeBytecode.js';
import { type CompiledKernel, fillGeometry, settle } from './nativeLaunch.js';
import { NativeRuntime } from './nativePool.js';
import { type NativeReduction, nativeReduction, partialValues, reductionResult } from './nativeReduce.js';
import { type LessonGrid, handWrittenLoopMs, handWrittenMaxMs, writeFloorMs } from './nativeYardsticks.js';
import { sizeOf } from '../core/shape.js';

export { configureNativeThreads, onDevices, onNativeIsa, onOneDevice } from './nativePool.js';
export type { LessonGrid } from './nativeYardsticks.js';

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
    const isa = this.runtime.target().isa;
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
        const geometry = fillGeometry(kernel, inputs);
        if (kernel.fused.reduce) {
          const reduction = nativeReduction(kernel.fused, workers, placement.parts);
          passes[passes.length - 1] = reduction;
          const { request, partials } = reduction;
          if (sizeOf(kernel.fused.outShape) > 0) {
            addon.runSync(kernel.program, partials, datas, geometry, workers, request[3], isa, request);
          }
          outputs.push(reductionResult(kernel.fused, reduction));
          continue;
        }
        const out = NDArray.empty(kernel.fused.outShape, kernel.fused.dtype);
        outputs.push(out);
        addon.runSync(kernel.program, out.data, datas, geometry, workers, placement.parts, isa);
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

  /**
   * Runs on the pool without blocking the event loop: `placement.devices` threads, `placement.parts` parts (default:
   * balanced by the addon).
   */
  async runOn(inputs: readonly NDArray[], placement: Placement, control: RunControl = {}): Promise<NDArray[]> {
    throwIfCancelled(control.signal);
    const addon = this.runtime.pool();
    const datas = inputs.map((a) => a.data);
    const workers = this.runtime.workers(placement);
    const isa = this.runtime.target().isa;
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
        const handle = empty
          ? null
          : addon.run(kernel.program, reduction?.partials ?? out!.data, datas, fillGeometry(kernel, inputs), {
              workers,
              isa,
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
    const { isa, lanesFloat32, lanesFloat64 } = this.runtime.target();
    return Array.from({ length: this.runtime.threads }, (_, k) => ({
      id: `native:${k}`,
      backend: 'native' as const,
      kind: 'cpu' as const,
      name: `${this.model} — native thread ${k}`,
      simd: { isa, lanesFloat32, lanesFloat64 },
    }));
  }

  compile(graph: Graph, options: CompileOptions): NativeExecutable {
    return new NativeExecutable(graph, options, this.runtime);
  }

  /**
   * The SIMD target the evaluator runs with (the scope's, else the one chosen at load), and where the addon was loaded
   * from.
   */
  describe(): NativeTarget & { threads: number; path: string } {
    return { ...this.runtime.target(), threads: this.runtime.threads, path: this.runtime.path };
  }

  /** A record's SIMD facts: the target in effect and its lanes in `dtype`. */
  simdOf(dtype: DType): { isa: string; lanes: number } {
    const { isa, lanesFloat32, lanesFloat64 } = this.runtime.target();
    return { isa, lanes: dtype === 'float32' ? lanesFloat32 : lanesFloat64 };
  }

  /** Every SIMD target this CPU can run, widest first, scalar last. */
  targets(): NativeTarget[] {
    return this.runtime.targets;
  }

  /** The addon's raw probes and the pool's size, for the machine view (compute/machine); the pool is started. */
  machineProbes(): { addon: NativeAddon; threads: number } {
    return { addon: this.runtime.pool(), threads: this.runtime.threads };
  }

  async measureWriteFloor(count: number, dtype: DType, repeats: number): Promise<{ ms: number; devices: number }> {
    return { ms: await this.writeFloorMs(count, dtype, repeats, this.runtime.threads), devices: this.runtime.threads };
  }

  /** Streaming stores of `count` values on `threads` threads, median of `repeats` (the floor at that thread count). */
  writeFloorMs(count: number, dtype: DType, repeats: number, threads: number): Promise<number> {
    return writeFloorMs(this.runtime, count, dtype, repeats, threads);
  }

  /** The lesson's f written by hand in C++ on `devices` threads, median of `repeats` (nativeYardsticks.ts). */
  handWrittenLoopMs(grid: LessonGrid, dtype: DType, repeats: number, devices = 1): Promise<number> {
    return handWrittenLoopMs(this.runtime, grid, dtype, repeats, devices);
  }

  /** The lesson's f fused with a max, by hand in C++, on `devices` threads: median ms and the maximum found. */
  handWrittenMaxMs(
    grid: LessonGrid,
    dtype: DType,
    repeats: number,
    devices: number,
  ): Promise<{ ms: number; max: number }> {
    return handWrittenMaxMs(this.runtime, grid, dtype, repeats, devices);
  }
}

/** The backend, or a readable reason it cannot be had (the registry records it). */
export async function loadNativeBackend(): Promise<NativeBackend> {
  const loaded = loadAddon();
  if (!loaded.addon) throw new Error(loaded.reason);
  const fromEnv = process.env.VLAB_THREADS;
  if (
    fromEnv !== undefined &&
    fromEnv !== '' &&
    !(/^\s*[1-9]\d*\s*$/.test(fromEnv) && Number(fromEnv) <= NATIVE_MAX_THREADS)
  ) {
    throw new Error(`VLAB_THREADS must be an integer from 1 to ${NATIVE_MAX_THREADS}, got '${fromEnv}'`);
  }
  return new NativeBackend(new NativeRuntime(loaded.addon, loaded.path));
}
