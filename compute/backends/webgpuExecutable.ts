// A graph compiled for the webgpu backend, and how a run of it goes: inputs
// uploaded once per run as float32 and read by index through their strides
// (a broadcast input costs its own size, never the output's), then each
// output computed by its kernel — an elementwise one tile by tile
// (webgpuMapRun.ts), a map-reduce in two passes (webgpuReduceRun.ts) — with
// upload, kernel and read-back time measured apart, and the dispatch plan
// kept for the curious.
//
// WGSL has no f64: every kernel computes in float32 and returns float32
// arrays (indices aside, float64 as on every backend), whatever dtype the
// graph was traced with — the answer's dtype says what was computed.
//
// This module never opens a device, builds a pipeline or imports the backend
// (webgpu.ts): what it needs of them comes through BackendHooks. It never
// blocks the calling thread on the GPU (no runSync).

import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';
import { type Executable, type ExecutionTimings, type RunControl, throwIfCancelled } from './backend.js';
import {
  type BackendHooks,
  GPU_DTYPE,
  type GpuContext,
  type KernelClock,
  type Uploaded,
  uploadInput,
  withErrorScopes,
} from './webgpuContext.js';
import { type CompiledMap, type KernelRun, type KernelRunStats, runMap } from './webgpuMapRun.js';
import { type CompiledReduction, reductionResult, runReduction } from './webgpuReduceRun.js';

export { GPU_DTYPE, type BackendHooks, type GpuContext, type KernelClock } from './webgpuContext.js';
export type { CompiledMap } from './webgpuMapRun.js';
export type { CompiledReduction } from './webgpuReduceRun.js';

/** One graph output and the kernel that computes it. */
export type CompiledKernel = CompiledMap | CompiledReduction;

/** How the last run was cut up, for tests and the curious. */
export interface DispatchPlan {
  /** Dispatches (one per tile; a reduction's pass-1 submissions and its pass 2), over all outputs. */
  readonly tiles: number;
  /** Round trips (dispatches, copy, map), over all outputs. */
  readonly chunks: number;
  /** Whether any dispatch needed a second grid dimension. */
  readonly twoDimensional: boolean;
  /** Whether a kernel ran row-indexed (column × row dispatch, no index division; see wgsl.ts). */
  readonly rowIndexed: boolean;
  /** How kernel time was measured: the GPU's timestamps around the passes, or a fence on the CPU (submit to done). */
  readonly kernelClock: KernelClock;
  /** Map-reduce kernels run in two passes (argmax beside max shares max's). */
  readonly reductions: number;
  /** Bytes of the reductions' partials buffers on the GPU: all a reduction holds besides inputs and results. */
  readonly partialBytes: number;
}

/** What compile() returns on this backend: an Executable that also says what it computed in and how it dispatched. */
export interface WebGpuExecutable extends Executable {
  readonly computedDtype: DType;
  lastTimings(): ExecutionTimings;
  lastPlan(): DispatchPlan;
}

const NO_PLAN: DispatchPlan = {
  tiles: 0,
  chunks: 0,
  twoDimensional: false,
  rowIndexed: false,
  kernelClock: 'fence',
  reductions: 0,
  partialBytes: 0,
};

export class GpuExecutable implements WebGpuExecutable {
  readonly backend = 'webgpu' as const;
  /** What the kernels compute in (see the header). */
  readonly computedDtype = GPU_DTYPE;
  private timings: ExecutionTimings = {};
  private plan: DispatchPlan = NO_PLAN;
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(
    readonly graph: Graph,
    private readonly kernels: readonly CompiledKernel[],
    private readonly hooks: BackendHooks,
  ) {}

  lastTimings(): ExecutionTimings {
    return { ...this.timings };
  }

  lastPlan(): DispatchPlan {
    return { ...this.plan };
  }

  /** This executable's pipeline for one shader, asked of the backend's cache once. */
  private pipelineFor(source: string): Promise<GPUComputePipeline> {
    let pipeline = this.pipelines.get(source);
    if (!pipeline) this.pipelines.set(source, (pipeline = this.hooks.pipeline(source)));
    return pipeline;
  }

  /** Runs are serialized per device: GPU error scopes are a device-wide stack, and timings must not overlap. */
  run(inputs: readonly NDArray[], control: RunControl = {}): Promise<NDArray[]> {
    return this.hooks.serialize(() => this.runNow(inputs, control, false)) as Promise<NDArray[]>;
  }

  /** Computes without reading back (the write floor): the outputs stay on the GPU and are dropped. */
  runWithoutReadback(inputs: readonly NDArray[], control: RunControl = {}): Promise<void> {
    return this.hooks.serialize(() => this.runNow(inputs, control, true)).then(() => undefined);
  }

  private async runNow(
    inputs: readonly NDArray[],
    control: RunControl,
    skipReadback: boolean,
  ): Promise<NDArray[] | null> {
    throwIfCancelled(control.signal);
    const context = await this.hooks.ready();
    const lost = this.hooks.lostReason();
    if (lost) throw new Error(lost);
    this.checkBindings(context);
    const timings = { uploadMs: 0, kernelMs: 0, readbackMs: 0 };
    const plan = { ...NO_PLAN, kernelClock: 'timestamps' as KernelClock };
    const outputs: NDArray[] = [];
    const uploads = new Map<number, Uploaded>();
    const held: GPUBuffer[] = [];
    let succeeded = false;
    try {
      await withErrorScopes(context.device, async () => {
        const started = performance.now();
        for (const kernel of this.kernels)
          for (const input of boundInputs(kernel))
            if (!uploads.has(input)) uploads.set(input, uploadInput(context, inputs[input]!, held));
        if (uploads.size) {
          context.device.queue.submit([]);
          await context.device.queue.onSubmittedWorkDone();
        }
        timings.uploadMs = performance.now() - started;
        const total = this.kernels.reduce((sum, k) => sum + sizeOf(k.fused.outShape), 0);
        let done = 0;
        /** A reduction's pass-2 results, by kernel, for the reduction that shares its pass. */
        const results = new Map<number, ArrayBuffer>();
        for (const [k, kernel] of this.kernels.entries()) {
          const run: KernelRun = {
            context,
            inputs,
            uploads,
            held,
            pipeline: (source) => this.pipelineFor(source),
            control,
            advance: (elements) => control.onProgress?.((done + elements) / total),
          };
          let stats: KernelRunStats | null = null;
          if (kernel.kind === 'map') {
            const out = skipReadback ? null : NDArray.empty(kernel.fused.outShape, GPU_DTYPE);
            if (out) outputs.push(out);
            if (sizeOf(kernel.fused.outShape) > 0) stats = await runMap(kernel, run, out);
          } else {
            const reduce = kernel.fused.reduce!;
            if (kernel.wgsl) {
              const ran = await runReduction(kernel, run);
              results.set(k, ran.results);
              stats = ran.stats;
              plan.reductions++;
              plan.partialBytes += ran.partialBytes;
            }
            const reduced = results.get(kernel.wgsl ? k : kernel.fused.sharesPass!)!;
            if (!skipReadback) outputs.push(reductionResult(reduce.kind, reduce.resultShape, reduced));
          }
          done += sizeOf(kernel.fused.outShape);
          if (!stats) continue;
          timings.kernelMs += stats.kernelMs;
          timings.readbackMs += stats.readbackMs;
          plan.tiles += stats.dispatches;
          plan.chunks += stats.chunks;
          plan.twoDimensional ||= stats.twoDimensional;
          plan.rowIndexed ||= stats.rowIndexed;
          if (stats.clock === 'fence') plan.kernelClock = 'fence';
        }
      });
      this.timings = timings;
      this.plan = plan;
      succeeded = true;
      return skipReadback ? null : outputs;
    } catch (error) {
      for (const out of outputs) out.dispose();
      throw error;
    } finally {
      context.buffers.settle(held, succeeded);
    }
  }

  /** Every kernel binds what it writes and each input it reads: within the adapter's storage-buffer limit? */
  private checkBindings({ limits }: GpuContext): void {
    for (const kernel of this.kernels) {
      const bound = boundInputs(kernel).length;
      if (1 + bound > limits.maxStorageBuffers) {
        throw new Error(
          `this graph reads ${bound} arrays in one kernel, but the GPU binds at most ` +
            `${limits.maxStorageBuffers - 1} inputs per kernel; pass fewer arrays (close over constants as numbers)`,
        );
      }
    }
  }
}

/** The graph inputs a kernel reads (none for a reduction that shares another's pass). */
function boundInputs(kernel: CompiledKernel): readonly number[] {
  return kernel.kind === 'map' ? kernel.wgsl.boundInputs : (kernel.wgsl?.boundInputs ?? []);
}
