// The webgpu backend: each graph output becomes one WGSL compute shader
// (wgsl.ts), or two for a fused map-reduce (wgslReduce.ts), run through Dawn
// on the adapter webgpuAdapter.ts chose. This
// module is the backend's lifecycle: it opens the device on first use, turns
// a lost device into the backend's status, lists the device, keeps one
// pipeline per shader source, serializes runs, and measures the write floor.
// How a compiled graph runs is webgpuExecutable.ts; how a run is cut into
// tiles and dispatches, webgpuTiling.ts; the GPU's clock, webgpuTimestamps.ts;
// the buffers kept between runs, webgpuBufferPool.ts.
//
// This module never blocks the calling thread on the GPU (no runSync).

import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';
import { newVar } from '../core/trace.js';
import type { Backend, BackendStatus, CompileOptions, Device } from './backend.js';
import { fuseGraph } from './fuse.js';
import { wgslKernel } from './wgsl.js';
import { wgslReduction } from './wgslReduce.js';
import { type FindResult, type OpenedAdapter, findAdapter } from './webgpuAdapter.js';
import { type ProbedAdapter, adapterLabel, apiLabel } from './webgpuCandidates.js';
import { BufferPool } from './webgpuBufferPool.js';
import {
  type BackendHooks,
  type CompiledKernel,
  GPU_DTYPE,
  type GpuContext,
  GpuExecutable,
  type WebGpuExecutable,
} from './webgpuExecutable.js';
import { MAX_ELEMENTS, runLimits } from './webgpuTiling.js';

export { GPU_DTYPE, type DispatchPlan, type KernelClock, type WebGpuExecutable } from './webgpuExecutable.js';

export interface WebGpuOptions {
  /** Finds the adapter (default: findAdapter()); tests inject failures, or an adapter already open, here. */
  find?: () => Promise<FindResult>;
  /** Caps the storage-binding size below the adapter's, in bytes, so tests can force tiling. */
  maxBindingBytes?: number;
  /** Caps workgroups per dispatch dimension below the adapter's, so tests can force 2D dispatch. */
  maxWorkgroupsPerDimension?: number;
  /** Invocations per workgroup: default and at most 256, which WebGPU guarantees on every adapter. */
  workgroupSize?: number;
  /** Output bytes per round trip to the GPU (default 256 MiB), so tests can force several. */
  chunkBytes?: number;
}

/** How often a compiled graph found its pipeline already built. */
export interface PipelineCacheStats {
  /** Pipelines built (cache misses). */
  readonly built: number;
  /** Compilations answered from the cache. */
  readonly hits: number;
}

export interface WebGpuBackend extends Backend {
  readonly name: 'webgpu';
  /** The adapter in words: "llvmpipe (…), OpenGL, compatibility mode, software". */
  readonly adapterLabel: string | null;
  compile(graph: Graph, options: CompileOptions): WebGpuExecutable;
  pipelineCacheStats(): PipelineCacheStats;
  /** Releases the device; the backend is unavailable afterwards. */
  destroy(): void;
}

export async function loadWebGpuBackend(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const found = await (options.find ?? findAdapter)();
  if (!found.ok) return unavailableBackend(found.reason);
  return new GpuBackend(found.chosen, found.open, options);
}

function unavailableBackend(reason: string): WebGpuBackend {
  const fail = (): never => {
    throw new Error(`the webgpu backend is unavailable: ${reason}`);
  };
  return {
    name: 'webgpu',
    adapterLabel: null,
    status: () => ({ available: false, reason }),
    devices: () => [],
    compile: fail,
    pipelineCacheStats: () => ({ built: 0, hits: 0 }),
    destroy: () => {},
  };
}

/**
 * The backend opens its device on first use, not when it loads: discovery's
 * probes (in child processes) already proved the adapter runs a kernel, and a
 * process that never computes on the GPU (`vlab devices`, a CLI command that
 * fails early) then never starts Dawn's drivers in-process.
 */
class GpuBackend implements WebGpuBackend {
  readonly name = 'webgpu' as const;
  readonly adapterLabel: string;
  /** WebGPU guarantees at least 256 invocations per workgroup along x on every adapter. */
  private readonly workgroupSize: number;
  private context: Promise<GpuContext> | null = null;
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private built = 0;
  private hits = 0;
  private lost: string | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly hooks: BackendHooks = {
    ready: () => this.ready(),
    pipeline: (source) => this.pipeline(source),
    serialize: (work) => this.serialize(work),
    lostReason: () => this.lost,
  };

  constructor(
    private readonly probe: ProbedAdapter,
    private readonly open: () => Promise<OpenedAdapter>,
    private readonly options: WebGpuOptions,
  ) {
    this.adapterLabel = adapterLabel(probe);
    this.workgroupSize = Math.max(1, Math.min(options.workgroupSize ?? 256, 256));
  }

  status(): BackendStatus {
    return this.lost ? { available: false, reason: this.lost } : { available: true };
  }

  devices(): Device[] {
    const { probe } = this;
    return [
      {
        id: 'webgpu:0',
        backend: 'webgpu',
        kind: 'gpu',
        name: `${probe.name}, ${apiLabel(probe.candidate)}`,
        software: probe.software,
      },
    ];
  }

  compile(graph: Graph, options: CompileOptions): WebGpuExecutable {
    if (this.lost) throw new Error(this.lost);
    const kernels = fuseGraph(graph, options.zeroStrides).map((fused): CompiledKernel => {
      const count = sizeOf(fused.outShape);
      if (count > MAX_ELEMENTS) {
        const what = fused.reduce ? 'a reduction over' : 'an output of';
        throw new Error(
          `${what} ${count} elements is beyond the GPU kernel's 32-bit indices (at most ${MAX_ELEMENTS}, ` +
            'e.g. n ≤ 65535 for an n×n grid); use a smaller n or a CPU backend',
        );
      }
      if (fused.reduce) {
        const wgsl = fused.sharesPass === undefined ? wgslReduction(fused, this.workgroupSize) : null;
        return { kind: 'reduce', fused, wgsl };
      }
      const wgsl = wgslKernel(fused, this.workgroupSize);
      const rows = fused.outShape.length >= 2 ? wgslKernel(fused, this.workgroupSize, 'rows') : null;
      return { kind: 'map', fused, wgsl, rows };
    });
    return new GpuExecutable(graph, kernels, this.hooks);
  }

  /** Opens the device once; a failure to open makes the backend unavailable, with the reason. */
  private ready(): Promise<GpuContext> {
    this.context ??= this.open().then(
      (opened) => this.contextFor(opened),
      (error: unknown) => {
        this.lost = error instanceof Error ? error.message : String(error);
        throw error;
      },
    );
    return this.context;
  }

  private contextFor(opened: OpenedAdapter): GpuContext {
    const { device } = opened;
    const limits = runLimits(
      device.limits,
      {
        software: opened.probe.software,
        timestamps: device.features.has('timestamp-query'),
        workgroupSize: this.workgroupSize,
      },
      this.options,
    );
    void device.lost.then((info) => {
      this.lost ??= `the GPU device was lost (${info.reason}): ${info.message || 'no message'}`;
    });
    return { opened, device, buffers: new BufferPool(device), limits };
  }

  /** Runs `work` after every run queued before it. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  pipelineCacheStats(): PipelineCacheStats {
    return { built: this.built, hits: this.hits };
  }

  destroy(): void {
    this.lost ??= 'the webgpu backend was shut down';
    void this.context?.then(
      ({ device, buffers }) => {
        buffers.clear();
        device.destroy();
      },
      () => {},
    );
  }

  /**
   * One pipeline per shader source, which is the graph's signature less its sizes (structure, ranks, broadcast
   * axes).
   */
  private pipeline(source: string): Promise<GPUComputePipeline> {
    const cached = this.pipelines.get(source);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.built++;
    const pipeline = this.ready().then(({ device }) => buildPipeline(device, source));
    // A failed build is not kept: the next compile tries again and reports again.
    pipeline.catch(() => this.pipelines.delete(source));
    this.pipelines.set(source, pipeline);
    return pipeline;
  }

  /**
   * The physical floor on this adapter: milliseconds for a kernel that only
   * writes `count` float32 values (median of `repeats`), by timestamps where
   * the adapter has them, else by fences.
   */
  async measureWriteFloor(
    count: number,
    _dtype: DType,
    repeats: number,
    signal?: AbortSignal,
  ): Promise<{ ms: number; devices: number }> {
    const executable = this.compile(writeFloorGraph(count), { zeroStrides: [[]] }) as GpuExecutable;
    const zero = NDArray.scalar(0, GPU_DTYPE);
    const times: number[] = [];
    try {
      // One warm-up run (pipeline build, first touch), then the timed ones.
      for (let k = 0; k <= Math.max(1, repeats); k++) {
        await executable.runWithoutReadback([zero], signal ? { signal } : {});
        if (k > 0) times.push(executable.lastTimings().kernelMs ?? 0);
      }
    } finally {
      zero.dispose();
    }
    times.sort((a, b) => a - b);
    return { ms: times[times.length >> 1]!, devices: 1 };
  }
}

/**
 * x ↦ broadcast_in_dim(x, [count]): a kernel that only writes. Written out as
 * the plain graph it is, so the backend needs no tracing front end (ops.ts).
 */
function writeFloorGraph(count: number): Graph {
  const x = newVar({ shape: [], dtype: GPU_DTYPE });
  const out = newVar({ shape: [count], dtype: GPU_DTYPE });
  return {
    inputs: [x],
    equations: [
      { primitive: 'broadcast_in_dim', inputs: [x], params: { shape: [count], broadcastDimensions: [] }, out },
    ],
    outputs: [out],
  };
}

async function buildPipeline(device: GPUDevice, code: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    const text = errors.map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}`).join('; ');
    throw new Error(`the generated WGSL did not compile (a bug in the emitter, please report it): ${text}`);
  }
  return device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
}
