// The webgpu backend: each graph output becomes one WGSL compute shader
// (wgsl.ts) run through Dawn on the adapter webgpuAdapter.ts chose. Inputs are
// uploaded once per run as float32 and read by index through their strides,
// so a broadcast input costs its own size, never the output's. Outputs larger
// than one storage binding are cut into tiles, one dispatch each; dispatches
// wider than the adapter allows per dimension become 2D. Each run measures its
// upload, kernel and read-back time apart.
//
// WGSL has no f64: every kernel computes in float32 and returns float32
// arrays, whatever dtype the graph was traced with — the answer's dtype says
// what was computed, rather than a float64 array silently holding float32s.
// This module never blocks the calling thread on the GPU (no runSync).

import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';
import { traceFunction } from '../core/trace.js';
import { broadcastInDim } from '../ops.js';
import {
  type Backend,
  type BackendStatus,
  type CompileOptions,
  type Device,
  type Executable,
  type ExecutionTimings,
  type RunControl,
  throwIfCancelled,
} from './backend.js';
import { type FusedKernel, fuseGraph, readStrides } from './fuse.js';
import { FIRST_INPUT_BINDING, type WgslKernel, wgslKernel } from './wgsl.js';
import { type FindResult, type OpenedAdapter, type ProbedAdapter, adapterLabel, apiLabel, findAdapter } from './webgpuAdapter.js';

/** What the GPU computes in, whatever was asked for. */
export const GPU_DTYPE: DType = 'float32';

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

/** How the last run was cut up, for tests and the curious. */
export interface DispatchPlan {
  /** Dispatches (one per tile), over all outputs. */
  readonly tiles: number;
  /** Round trips (dispatches, copy, map), over all outputs. */
  readonly chunks: number;
  /** Whether any dispatch needed a second grid dimension. */
  readonly twoDimensional: boolean;
  /** Whether a kernel ran row-indexed (column × row dispatch, no index division; see wgsl.ts). */
  readonly rowIndexed: boolean;
  /** How kernel time was measured: the GPU's timestamps around the passes, or a fence on the CPU (submit to done). */
  readonly kernelClock: KernelClock;
}

export type KernelClock = 'timestamps' | 'fence';

/** What compile() returns on this backend: an Executable that also says what it computed in and how it dispatched. */
export interface WebGpuExecutable extends Executable {
  readonly computedDtype: DType;
  lastTimings(): ExecutionTimings;
  lastPlan(): DispatchPlan;
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

/** The limits a run plans against: the adapter's, lowered by the options. */
interface Limits {
  /** Elements of float32 in one storage binding. */
  bindingElements: number;
  /** Element alignment of a binding's offset (minStorageBufferOffsetAlignment / 4). */
  alignElements: number;
  maxWorkgroupsPerDimension: number;
  maxBufferBytes: number;
  uniformAlignBytes: number;
  maxStorageBuffers: number;
  workgroupSize: number;
  timestamps: boolean;
  chunkBytes: number;
}

/** Kernels index elements with u32 (WGSL has no 64-bit integers). */
const MAX_ELEMENTS = 2 ** 32 - 1;

/** Output bytes per round trip (dispatches, copy, map): bounds the staging memory of huge outputs. */
const DEFAULT_CHUNK_BYTES = 256 * 1024 * 1024;
/** Output bytes per dispatch on a software adapter: about 40 ms of llvmpipe's work. */
const SOFTWARE_SUBMISSION_BYTES = 16 * 1024 * 1024;

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

/** The opened device and what runs need from it. */
interface GpuContext {
  /**
   * Held for the device's whole life: if Dawn's instance (opened.gpu) is
   * garbage-collected, its event loop keeps polling freed memory and the
   * process aborts.
   */
  readonly opened: OpenedAdapter;
  readonly device: GPUDevice;
  readonly buffers: BufferPool;
  readonly limits: Limits;
}

/** What an executable asks of its backend. */
interface BackendHooks {
  ready(): Promise<GpuContext>;
  pipeline(wgsl: WgslKernel): Promise<GPUComputePipeline>;
  serialize<T>(work: () => Promise<T>): Promise<T>;
  lostReason(): string | null;
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
    pipeline: (wgsl) => this.pipeline(wgsl),
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
    return [{ id: 'webgpu:0', backend: 'webgpu', kind: 'gpu', name: `${probe.name}, ${apiLabel(probe.candidate)}`, software: probe.software }];
  }

  compile(graph: Graph, options: CompileOptions): WebGpuExecutable {
    if (this.lost) throw new Error(this.lost);
    const kernels = fuseGraph(graph, options.zeroStrides).map((fused) => {
      const count = sizeOf(fused.outShape);
      if (count > MAX_ELEMENTS) {
        throw new Error(`an output of ${count} elements is beyond the GPU kernel's 32-bit indices (at most ${MAX_ELEMENTS}, e.g. n ≤ 65535 for an n×n grid); use a smaller n or a CPU backend`);
      }
      const wgsl = wgslKernel(fused, this.workgroupSize);
      const rows = fused.outShape.length >= 2 ? wgslKernel(fused, this.workgroupSize, 'rows') : null;
      return { fused, wgsl, rows };
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
    const l = device.limits;
    const alignElements = l.minStorageBufferOffsetAlignment / 4;
    // A software adapter runs a 144 MB grid in about a second, and a submitted
    // dispatch cannot be stopped: there, tiles and round trips are kept small
    // so that a cancel lands between them within ~100 ms.
    const softwareCap = opened.probe.software ? SOFTWARE_SUBMISSION_BYTES : Infinity;
    const bindingBytes = Math.min(l.maxStorageBufferBindingSize, this.options.maxBindingBytes ?? Infinity, softwareCap);
    const limits: Limits = {
      bindingElements: Math.max(alignElements, Math.floor(bindingBytes / 4)),
      alignElements,
      maxWorkgroupsPerDimension: Math.max(1, Math.min(l.maxComputeWorkgroupsPerDimension, this.options.maxWorkgroupsPerDimension ?? Infinity)),
      maxBufferBytes: l.maxBufferSize,
      uniformAlignBytes: l.minUniformBufferOffsetAlignment,
      maxStorageBuffers: l.maxStorageBuffersPerShaderStage,
      workgroupSize: this.workgroupSize,
      timestamps: device.features.has('timestamp-query'),
      chunkBytes: Math.max(4, Math.min(this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES, softwareCap)),
    };
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

  /** One pipeline per shader source, which is the graph's signature less its sizes (structure, ranks, broadcast axes). */
  private pipeline(wgsl: WgslKernel): Promise<GPUComputePipeline> {
    const cached = this.pipelines.get(wgsl.source);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.built++;
    const pipeline = this.ready().then(({ device }) => buildPipeline(device, wgsl.source));
    // A failed build is not kept: the next compile tries again and reports again.
    pipeline.catch(() => this.pipelines.delete(wgsl.source));
    this.pipelines.set(wgsl.source, pipeline);
    return pipeline;
  }

  /**
   * The physical floor on this adapter: milliseconds for a kernel that only
   * writes `count` float32 values (median of `repeats`), by timestamps where
   * the adapter has them, else by fences.
   */
  async measureWriteFloor(count: number, _dtype: DType, repeats: number, signal?: AbortSignal): Promise<{ ms: number; devices: number }> {
    const traced = traceFunction((x) => broadcastInDim(x, [count], []), [{ shape: [], dtype: GPU_DTYPE }]);
    const executable = this.compile(traced.graph, { zeroStrides: [[]] }) as GpuExecutable;
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

interface CompiledKernel {
  readonly fused: FusedKernel;
  /** Flat indexing: any tile. Its layout (uniforms, bindings) is the row variant's too. */
  readonly wgsl: WgslKernel;
  /** Row indexing (outputs of rank 2 or more), used when the whole output is one dispatch. */
  readonly rows: WgslKernel | null;
}

/** One graph input as it lies on the GPU for this run. */
interface Uploaded {
  readonly buffer: GPUBuffer;
  /** Elements in the buffer. */
  readonly elements: number;
  /** The input's element offset, relative to the buffer's start (the span the input reaches). */
  readonly base: number;
}

/** One dispatch: a contiguous range of output elements and the input windows it reads. */
interface Tile {
  readonly start: number;
  readonly count: number;
  /** Per bound input: the element range of its buffer bound for this tile. */
  readonly windows: readonly { readonly start: number; readonly count: number }[];
}

class GpuExecutable implements WebGpuExecutable {
  readonly backend = 'webgpu' as const;
  /** What the kernels compute in (see the header). */
  readonly computedDtype = GPU_DTYPE;
  private timings: ExecutionTimings = {};
  private plan: DispatchPlan = { tiles: 0, chunks: 0, twoDimensional: false, rowIndexed: false, kernelClock: 'fence' };

  /** Set at the start of every run, once the device is open. */
  private context: GpuContext | null = null;
  private readonly pipelines = new Map<WgslKernel, Promise<GPUComputePipeline>>();

  constructor(
    readonly graph: Graph,
    private readonly kernels: readonly CompiledKernel[],
    private readonly hooks: BackendHooks,
  ) {}

  private get device(): GPUDevice {
    return this.context!.device;
  }

  private get buffers(): BufferPool {
    return this.context!.buffers;
  }

  private get limits(): Limits {
    return this.context!.limits;
  }

  lastTimings(): ExecutionTimings {
    return { ...this.timings };
  }

  lastPlan(): DispatchPlan {
    return { ...this.plan };
  }

  /** This executable's pipeline for one shader variant, asked of the backend's cache once. */
  private pipelineFor(wgsl: WgslKernel): Promise<GPUComputePipeline> {
    let pipeline = this.pipelines.get(wgsl);
    if (!pipeline) this.pipelines.set(wgsl, (pipeline = this.hooks.pipeline(wgsl)));
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

  private async runNow(inputs: readonly NDArray[], control: RunControl, skipReadback: boolean): Promise<NDArray[] | null> {
    throwIfCancelled(control.signal);
    this.context = await this.hooks.ready();
    const lost = this.hooks.lostReason();
    if (lost) throw new Error(lost);
    this.checkBindings();
    const timings = { uploadMs: 0, kernelMs: 0, readbackMs: 0 };
    const plan = { tiles: 0, chunks: 0, twoDimensional: false, rowIndexed: false, kernelClock: 'timestamps' as KernelClock };
    const outputs: NDArray[] = [];
    const uploads = new Map<number, Uploaded>();
    const held: GPUBuffer[] = [];
    let succeeded = false;
    try {
      await withErrorScopes(this.device, async () => {
        const started = performance.now();
        for (const { wgsl } of this.kernels) {
          for (const input of wgsl.boundInputs) if (!uploads.has(input)) uploads.set(input, this.upload(inputs[input]!, held));
        }
        if (uploads.size) {
          this.device.queue.submit([]);
          await this.device.queue.onSubmittedWorkDone();
        }
        timings.uploadMs = performance.now() - started;
        const total = this.kernels.reduce((sum, k) => sum + sizeOf(k.fused.outShape), 0);
        let done = 0;
        for (const kernel of this.kernels) {
          const out = skipReadback ? null : NDArray.empty(kernel.fused.outShape, GPU_DTYPE);
          if (out) outputs.push(out);
          if (sizeOf(kernel.fused.outShape) === 0) continue;
          const tiles = planTiles(kernel, inputs, uploads, this.limits);
          const byRows = kernel.rows !== null && tiles.length === 1 && rowDispatch(kernel.fused.outShape, this.limits) !== null;
          const wgsl = byRows ? kernel.rows! : kernel.wgsl;
          const pipeline = await this.pipelineFor(wgsl);
          const params = this.paramsBuffer(kernel, inputs, uploads, tiles, held);
          const tilesPerChunk = Math.max(1, Math.floor(this.limits.chunkBytes / 4 / tiles[0]!.count));
          plan.tiles += tiles.length;
          plan.rowIndexed ||= byRows;
          plan.twoDimensional ||= byRows || tiles.some((tile) => dispatchSize(tile.count, this.limits).y > 1);
          for (let first = 0; first < tiles.length; first += tilesPerChunk) {
            throwIfCancelled(control.signal);
            const chunk = tiles.slice(first, first + tilesPerChunk);
            plan.chunks++;
            const measured = await this.runChunk(pipeline, wgsl, kernel, chunk, first, params, uploads, out);
            timings.kernelMs += measured.kernelMs;
            timings.readbackMs += measured.readbackMs;
            if (measured.clock === 'fence') plan.kernelClock = 'fence';
            done += chunk.reduce((sum, t) => sum + t.count, 0);
            control.onProgress?.(done / total);
          }
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
      this.buffers.settle(held, succeeded);
    }
  }

  /** Every kernel binds its output and each input it reads: within the adapter's storage-buffer limit? */
  private checkBindings(): void {
    for (const { wgsl } of this.kernels) {
      if (1 + wgsl.boundInputs.length > this.limits.maxStorageBuffers) {
        throw new Error(
          `this graph reads ${wgsl.boundInputs.length} arrays in one kernel, but the GPU binds at most ` +
            `${this.limits.maxStorageBuffers - 1} inputs per kernel; pass fewer arrays (close over constants as numbers)`,
        );
      }
    }
  }

  /** Copies the part of an input its reads can reach into a new storage buffer, as float32. */
  private upload(input: NDArray, held: GPUBuffer[]): Uploaded {
    let lo = input.offset;
    let hi = input.offset;
    input.shape.forEach((dim, axis) => {
      const reach = (dim - 1) * input.strides[axis]!;
      if (reach < 0) lo += reach;
      else hi += reach;
    });
    const elements = input.size === 0 ? 1 : hi - lo + 1;
    if (elements * 4 > this.limits.maxBufferBytes) {
      throw new Error(`an input of ${elements} elements (${elements * 4} bytes as float32) exceeds this GPU's largest buffer (${this.limits.maxBufferBytes} bytes)`);
    }
    const buffer = this.buffers.acquire(elements * 4, BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_DST, held);
    if (input.size > 0) {
      const source = input.data.subarray(lo, hi + 1);
      const values = source instanceof Float32Array ? source : Float32Array.from(source);
      this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    }
    return { buffer, elements, base: input.offset - lo };
  }

  /** Every tile's uniform block, one aligned slice each, in one buffer. */
  private paramsBuffer(kernel: CompiledKernel, inputs: readonly NDArray[], uploads: Map<number, Uploaded>, tiles: readonly Tile[], held: GPUBuffer[]): GPUBuffer {
    const { layout, readBinding } = kernel.wgsl;
    const sliceBytes = roundUp(layout.slotCount * 4, this.limits.uniformAlignBytes);
    const slots = new Uint32Array((sliceBytes / 4) * tiles.length);
    const rank = kernel.fused.outShape.length;
    const readStrideValues = kernel.fused.reads.map((read) => readStrides(read, rank, inputs[read.input]!));
    const f32 = new Float32Array(2);
    f32[0] = Infinity;
    f32[1] = NaN;
    const [infBits, nanBits] = new Uint32Array(f32.buffer);
    tiles.forEach((tile, t) => {
      const at = (sliceBytes / 4) * t;
      const { rowWidth } = dispatchSize(tile.count, this.limits);
      slots[at + layout.tileStart] = tile.start;
      slots[at + layout.tileCount] = tile.count;
      slots[at + layout.rowWidth] = rowWidth;
      slots[at + layout.infBits] = infBits!;
      slots[at + layout.nanBits] = nanBits!;
      layout.shape.forEach((slot, axis) => (slots[at + slot] = kernel.fused.outShape[axis]!));
      for (const { slot, value } of layout.constants) slots[at + slot] = float32Bits(value);
      kernel.fused.reads.forEach((read, r) => {
        const uploaded = uploads.get(read.input)!;
        const window = tile.windows[readBinding[r]!]!;
        // u32 arithmetic wraps: a negative offset is its two's complement (see wgsl.ts).
        slots[at + layout.readOffset[r]!] = (uploaded.base - window.start) >>> 0;
        layout.readStrides[r]!.forEach((slot, axis) => (slots[at + slot] = readStrideValues[r]![axis]! >>> 0));
      });
    });
    const buffer = this.buffers.acquire(slots.byteLength, BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST, held);
    this.device.queue.writeBuffer(buffer, 0, slots.buffer, 0, slots.byteLength);
    return buffer;
  }

  /** Dispatches a run of tiles into one output buffer, then reads it back into `out`. */
  private async runChunk(
    pipeline: GPUComputePipeline,
    wgsl: WgslKernel,
    kernel: CompiledKernel,
    tiles: readonly Tile[],
    firstTile: number,
    params: GPUBuffer,
    uploads: Map<number, Uploaded>,
    /** Where the values go; null: leave them on the GPU. */
    out: NDArray | null,
  ): Promise<{ kernelMs: number; readbackMs: number; clock: KernelClock }> {
    const U = BUFFER_USAGE;
    const chunkStart = tiles[0]!.start;
    const chunkElements = tiles[tiles.length - 1]!.start + tiles[tiles.length - 1]!.count - chunkStart;
    const bytes = chunkElements * 4;
    // Held for this chunk only, so the next chunk of a huge output reuses them.
    const held: GPUBuffer[] = [];
    let succeeded = false;
    const storage = this.buffers.acquire(bytes, U.STORAGE | U.COPY_SRC, held);
    const staging = out === null ? null : this.buffers.acquire(bytes, U.MAP_READ | U.COPY_DST, held);
    const query = this.limits.timestamps ? new TimestampQuery(this.device) : null;
    const sliceBytes = roundUp(kernel.wgsl.layout.slotCount * 4, this.limits.uniformAlignBytes);
    try {
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass(query ? { timestampWrites: query.writes } : {});
      pass.setPipeline(pipeline);
      const layout = pipeline.getBindGroupLayout(0);
      tiles.forEach((tile, k) => {
        const entries: GPUBindGroupEntry[] = [
          { binding: 0, resource: { buffer: params, offset: sliceBytes * (firstTile + k), size: kernel.wgsl.layout.slotCount * 4 } },
          { binding: 1, resource: { buffer: storage, offset: (tile.start - chunkStart) * 4, size: tile.count * 4 } },
        ];
        kernel.wgsl.boundInputs.forEach((input, b) => {
          const window = tile.windows[b]!;
          entries.push({ binding: FIRST_INPUT_BINDING + b, resource: { buffer: uploads.get(input)!.buffer, offset: window.start * 4, size: window.count * 4 } });
        });
        pass.setBindGroup(0, this.device.createBindGroup({ layout, entries }));
        const { x, y } = wgsl.indexing === 'rows' ? rowDispatch(kernel.fused.outShape, this.limits)! : dispatchSize(tile.count, this.limits);
        pass.dispatchWorkgroups(x, y);
      });
      pass.end();
      query?.resolve(encoder);
      let started = performance.now();
      this.device.queue.submit([encoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
      const fenceMs = performance.now() - started;
      const timestampMs = query ? await query.read() : null;
      const kernelMs = timestampMs ?? fenceMs;
      const clock: KernelClock = timestampMs === null ? 'fence' : 'timestamps';
      if (!staging || !out) {
        succeeded = true;
        return { kernelMs, readbackMs: 0, clock };
      }

      started = performance.now();
      const copy = this.device.createCommandEncoder();
      copy.copyBufferToBuffer(storage, 0, staging, 0, bytes);
      this.device.queue.submit([copy.finish()]);
      await staging.mapAsync(MAP_READ);
      out.data.set(new Float32Array(staging.getMappedRange()), out.offset + chunkStart);
      staging.unmap();
      succeeded = true;
      return { kernelMs, readbackMs: performance.now() - started, clock };
    } finally {
      query?.destroy();
      this.buffers.settle(held, succeeded);
    }
  }
}

/**
 * Runs `body` inside validation and out-of-memory error scopes, always
 * popping them; a GPU error becomes the thrown error (Dawn reports such
 * errors only through the scopes, after the fact).
 */
async function withErrorScopes(device: GPUDevice, body: () => Promise<void>): Promise<void> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let failure: unknown = null;
  try {
    await body();
  } catch (error) {
    failure = error;
  }
  const outOfMemory = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  const gpuError = outOfMemory ?? invalid;
  if (gpuError) {
    const what = outOfMemory ? 'the GPU ran out of memory' : 'the GPU rejected the work';
    throw new Error(`${what}: ${gpuError.message}${failure instanceof Error ? ` (then: ${failure.message})` : ''}`);
  }
  if (failure !== null) throw failure;
}

/** The GPU's own clock around one compute pass (adapters with 'timestamp-query'). */
class TimestampQuery {
  private readonly set: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly staging: GPUBuffer;

  constructor(device: GPUDevice) {
    const U = BUFFER_USAGE;
    this.set = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolved = device.createBuffer({ size: 16, usage: U.QUERY_RESOLVE | U.COPY_SRC });
    this.staging = device.createBuffer({ size: 16, usage: U.MAP_READ | U.COPY_DST });
  }

  get writes(): GPUComputePassTimestampWrites {
    return { querySet: this.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
  }

  resolve(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.set, 0, 2, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, this.staging, 0, 16);
  }

  /** Milliseconds between the pass's start and end, or null when the clock gave nothing usable. */
  async read(): Promise<number | null> {
    await this.staging.mapAsync(MAP_READ);
    const [begin, end] = new BigUint64Array(this.staging.getMappedRange().slice(0));
    this.staging.unmap();
    if (begin === undefined || end === undefined || end <= begin) return null;
    return Number(end - begin) / 1e6;
  }

  destroy(): void {
    this.set.destroy();
    this.resolved.destroy();
    this.staging.destroy();
  }
}

/**
 * Workgroups for a row-indexed dispatch of a whole output: columns along x,
 * rows (all leading axes) along y. Null where it does not fit the adapter, or
 * where rows are so short that most of each workgroup would idle.
 */
export function rowDispatch(shape: readonly number[], limits: Pick<Limits, 'workgroupSize' | 'maxWorkgroupsPerDimension'>): { x: number; y: number } | null {
  const columns = shape[shape.length - 1]!;
  const rows = sizeOf(shape) / columns;
  if (shape.length < 2 || columns < limits.workgroupSize) return null;
  const x = Math.ceil(columns / limits.workgroupSize);
  return x <= limits.maxWorkgroupsPerDimension && rows <= limits.maxWorkgroupsPerDimension ? { x, y: rows } : null;
}

/** Workgroups for `count` invocations: 1D while it fits the per-dimension limit, else 2D. */
export function dispatchSize(count: number, limits: Pick<Limits, 'workgroupSize' | 'maxWorkgroupsPerDimension'>): { x: number; y: number; rowWidth: number } {
  const groups = Math.max(1, Math.ceil(count / limits.workgroupSize));
  const x = Math.min(groups, limits.maxWorkgroupsPerDimension);
  const y = Math.ceil(groups / x);
  if (y > limits.maxWorkgroupsPerDimension) {
    throw new Error(`a dispatch of ${count} invocations needs ${x}×${y} workgroups, beyond this GPU's ${limits.maxWorkgroupsPerDimension} per dimension`);
  }
  return { x, y, rowWidth: x * limits.workgroupSize };
}

/**
 * Cuts the output into tiles that each fit one storage binding, and finds for
 * each tile the window of every input it reads. A single tile when all fits.
 * Tiles start on binding-offset boundaries; when some input's window would
 * not fit one binding (it is large and read in a different order than the
 * output is written), the tiles are made smaller until it does.
 */
export function planTiles(
  kernel: { fused: FusedKernel; wgsl: Pick<WgslKernel, 'boundInputs'> },
  inputs: readonly NDArray[],
  uploads: ReadonlyMap<number, Pick<Uploaded, 'elements' | 'base'>>,
  limits: Pick<Limits, 'bindingElements' | 'alignElements' | 'maxWorkgroupsPerDimension' | 'workgroupSize'>,
): Tile[] {
  const { outShape, reads } = kernel.fused;
  const total = sizeOf(outShape);
  const rank = outShape.length;
  const bound = kernel.wgsl.boundInputs;
  const readsOf = bound.map((input) => reads.map((read, r) => ({ read, r })).filter(({ read }) => read.input === input));
  const strides = reads.map((read) => readStrides(read, rank, inputs[read.input]!));
  // Per tile, at most this many invocations, so a 2D dispatch always suffices.
  const maxInvocations = limits.maxWorkgroupsPerDimension * limits.maxWorkgroupsPerDimension * limits.workgroupSize;
  const whole = (input: number) => ({ start: 0, count: uploads.get(input)!.elements });
  const fitsWhole = bound.every((input) => uploads.get(input)!.elements <= limits.bindingElements);
  if (total <= limits.bindingElements && total <= maxInvocations && fitsWhole) {
    return [{ start: 0, count: total, windows: bound.map(whole) }];
  }
  const align = limits.alignElements;
  let tileElements = Math.max(align, Math.floor(Math.min(total, limits.bindingElements, maxInvocations) / align) * align);
  for (;;) {
    const tiles: Tile[] = [];
    let fits = true;
    for (let start = 0; start < total && fits; start += tileElements) {
      const count = Math.min(tileElements, total - start);
      const windows = bound.map((input, b) => {
        const uploaded = uploads.get(input)!;
        if (uploaded.elements <= limits.bindingElements) return whole(input);
        let lo = Infinity;
        let hi = -Infinity;
        for (const { r } of readsOf[b]!) {
          const [l, h] = reachedRange(start, start + count, outShape, strides[r]!, uploaded.base);
          lo = Math.min(lo, l);
          hi = Math.max(hi, h);
        }
        const windowStart = Math.floor(lo / align) * align;
        const window = { start: windowStart, count: Math.min(uploaded.elements, hi + 1) - windowStart };
        if (window.count > limits.bindingElements) fits = false;
        return window;
      });
      tiles.push({ start, count, windows });
    }
    if (fits) return tiles;
    if (tileElements <= align) {
      throw new Error(
        `an input is read in an order so far from the output's that no tile of the output reads less than one storage binding ` +
          `(${limits.bindingElements * 4} bytes on this GPU); make the input contiguous in the output's order (e.g. copy its transpose) first`,
      );
    }
    tileElements = Math.max(align, Math.floor(tileElements / 2 / align) * align);
  }
}

/**
 * The lowest and highest element a read reaches while the output's flat index
 * runs over [start, end), exactly: the range splits, axis by axis, into a
 * partial first block, whole blocks and a partial last block, as a row-major
 * walk visits them. (A tile crossing a row boundary of a contiguous input then
 * binds just the elements it reads.)
 */
export function reachedRange(start: number, end: number, shape: readonly number[], strides: readonly number[], base: number): [number, number] {
  const rank = shape.length;
  if (rank === 0) return [base, base];
  /** Elements in one block of each axis (the product of the sizes inside it). */
  const block = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  /** Reach of the whole extent of the axes from `axis` in. */
  const whole = (axis: number): [number, number] => {
    let lo = 0;
    let hi = 0;
    for (let k = axis; k < rank; k++) {
      const reach = (shape[k]! - 1) * strides[k]!;
      lo += Math.min(0, reach);
      hi += Math.max(0, reach);
    }
    return [lo, hi];
  };
  const walk = (from: number, to: number, axis: number, offset: number): [number, number] => {
    const size = block[axis]!;
    const first = Math.floor(from / size);
    const last = Math.floor((to - 1) / size);
    const stride = strides[axis]!;
    if (axis === rank - 1) {
      return [offset + Math.min(first * stride, last * stride), offset + Math.max(first * stride, last * stride)];
    }
    if (first === last) return walk(from - first * size, to - first * size, axis + 1, offset + first * stride);
    const head = walk(from - first * size, size, axis + 1, offset + first * stride);
    const tail = walk(0, to - last * size, axis + 1, offset + last * stride);
    let lo = Math.min(head[0], tail[0]);
    let hi = Math.max(head[1], tail[1]);
    if (last - first > 1) {
      const [innerLo, innerHi] = whole(axis + 1);
      const a = (first + 1) * stride;
      const b = (last - 1) * stride;
      lo = Math.min(lo, offset + Math.min(a, b) + innerLo);
      hi = Math.max(hi, offset + Math.max(a, b) + innerHi);
    }
    return [lo, hi];
  };
  return walk(start, end, 0, base);
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

// The WebGPU specification fixes these flags; Node has no globals for them
// unless someone installed Dawn's, so they are spelt out here.
const BUFFER_USAGE = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080, QUERY_RESOLVE: 0x0200 } as const;
const MAP_READ = 0x0001;

/** Pooled bytes beyond this are given back, oldest first. */
const POOL_LIMIT_BYTES = 1024 * 1024 * 1024;

/**
 * Buffers kept between runs, by size and usage. Creating a buffer is not
 * free (Dawn zero-fills it: 0.4 s for 144 MB on a software adapter), and a
 * warm run should time the work, not the allocation — as the CPU allocator
 * recycles its buffers. A buffer is in the pool or held by one run, never both.
 */
class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  /** Pooled buffers, oldest first, for trimming. */
  private readonly order: { key: string; buffer: GPUBuffer }[] = [];
  private pooledBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(size: number, usage: number, held: GPUBuffer[]): GPUBuffer {
    const key = `${usage}:${size}`;
    const buffer = this.free.get(key)?.pop();
    if (buffer) {
      this.order.splice(this.order.findIndex((e) => e.buffer === buffer), 1);
      this.pooledBytes -= size;
    }
    const chosen = buffer ?? this.device.createBuffer({ size, usage });
    held.push(chosen);
    return chosen;
  }

  /** Gives back what a run held: to the pool after success; destroyed after a failure, which may have left one mapped. */
  settle(held: readonly GPUBuffer[], succeeded: boolean): void {
    for (const buffer of held) {
      if (succeeded) this.release(buffer);
      else buffer.destroy();
    }
  }

  private release(buffer: GPUBuffer): void {
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
    this.order.push({ key, buffer });
    this.pooledBytes += buffer.size;
    while (this.pooledBytes > POOL_LIMIT_BYTES && this.order.length) {
      const oldest = this.order.shift()!;
      const bucket = this.free.get(oldest.key)!;
      bucket.splice(bucket.indexOf(oldest.buffer), 1);
      this.pooledBytes -= oldest.buffer.size;
      oldest.buffer.destroy();
    }
  }

  clear(): void {
    for (const { buffer } of this.order) buffer.destroy();
    this.free.clear();
    this.order.length = 0;
    this.pooledBytes = 0;
  }
}

const bitsView = new DataView(new ArrayBuffer(4));
/** The bits of `value` as a float32 (little-endian, as the GPU reads its uniform block). */
function float32Bits(value: number): number {
  bitsView.setFloat32(0, value, true);
  return bitsView.getUint32(0, true);
}
