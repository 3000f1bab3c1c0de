// A graph compiled for the webgpu backend, and how it runs. Inputs are
// uploaded once per run as float32 and read by index through their strides,
// so a broadcast input costs its own size, never the output's. Each output is
// dispatched tile by tile (webgpuTiling.ts plans them), in round trips of at
// most chunkBytes; every tile's uniform block (shape, strides, offsets,
// constants) lies in one params buffer. Each run measures its upload, kernel
// and read-back time apart, and says how it was cut up (the dispatch plan).
//
// WGSL has no f64: every kernel computes in float32 and returns float32
// arrays, whatever dtype the graph was traced with — the answer's dtype says
// what was computed, rather than a float64 array silently holding float32s.
//
// This module never opens a device, builds a pipeline or imports the backend
// (webgpu.ts): what it needs of them comes through BackendHooks. It never
// blocks the calling thread on the GPU (no runSync).

import type { DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';
import { type Executable, type ExecutionTimings, type RunControl, throwIfCancelled } from './backend.js';
import { type FusedKernel, readStrides } from './fuse.js';
import { FIRST_INPUT_BINDING, type WgslKernel } from './wgsl.js';
import type { OpenedAdapter } from './webgpuAdapter.js';
import { BUFFER_USAGE, type BufferPool, MAP_READ } from './webgpuBufferPool.js';
import {
  type InputSpan,
  type RunLimits,
  type Tile,
  dispatchSize,
  inputSpan,
  paramSliceBytes,
  planTiles,
  rowDispatch,
  tilesPerChunk,
} from './webgpuTiling.js';
import { TimestampQuery } from './webgpuTimestamps.js';

/** What the GPU computes in, whatever was asked for. */
export const GPU_DTYPE: DType = 'float32';

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

/** The opened device and what runs need from it. */
export interface GpuContext {
  /**
   * Held for the device's whole life: if Dawn's instance (opened.gpu) is
   * garbage-collected, its event loop keeps polling freed memory and the
   * process aborts.
   */
  readonly opened: OpenedAdapter;
  readonly device: GPUDevice;
  readonly buffers: BufferPool;
  readonly limits: RunLimits;
}

/** What an executable asks of its backend. */
export interface BackendHooks {
  ready(): Promise<GpuContext>;
  pipeline(wgsl: WgslKernel): Promise<GPUComputePipeline>;
  serialize<T>(work: () => Promise<T>): Promise<T>;
  lostReason(): string | null;
}

/** One graph output: its fused kernel and the shader variants that compute it. */
export interface CompiledKernel {
  readonly fused: FusedKernel;
  /** Flat indexing: any tile. Its layout (uniforms, bindings) is the row variant's too. */
  readonly wgsl: WgslKernel;
  /** Row indexing (outputs of rank 2 or more), used when the whole output is one dispatch. */
  readonly rows: WgslKernel | null;
}

/** One graph input as it lies on the GPU for this run. */
interface Uploaded extends InputSpan {
  readonly buffer: GPUBuffer;
}

export class GpuExecutable implements WebGpuExecutable {
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

  private get limits(): RunLimits {
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

  private async runNow(
    inputs: readonly NDArray[],
    control: RunControl,
    skipReadback: boolean,
  ): Promise<NDArray[] | null> {
    throwIfCancelled(control.signal);
    this.context = await this.hooks.ready();
    const lost = this.hooks.lostReason();
    if (lost) throw new Error(lost);
    this.checkBindings();
    const timings = { uploadMs: 0, kernelMs: 0, readbackMs: 0 };
    const plan = {
      tiles: 0,
      chunks: 0,
      twoDimensional: false,
      rowIndexed: false,
      kernelClock: 'timestamps' as KernelClock,
    };
    const outputs: NDArray[] = [];
    const uploads = new Map<number, Uploaded>();
    const held: GPUBuffer[] = [];
    let succeeded = false;
    try {
      await withErrorScopes(this.device, async () => {
        const started = performance.now();
        for (const { wgsl } of this.kernels) {
          for (const input of wgsl.boundInputs)
            if (!uploads.has(input)) uploads.set(input, this.upload(inputs[input]!, held));
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
          const byRows =
            kernel.rows !== null && tiles.length === 1 && rowDispatch(kernel.fused.outShape, this.limits) !== null;
          const wgsl = byRows ? kernel.rows! : kernel.wgsl;
          const pipeline = await this.pipelineFor(wgsl);
          const params = this.paramsBuffer(kernel, inputs, uploads, tiles, held);
          const perChunk = tilesPerChunk(tiles, this.limits.chunkBytes);
          plan.tiles += tiles.length;
          plan.rowIndexed ||= byRows;
          plan.twoDimensional ||= byRows || tiles.some((tile) => dispatchSize(tile.count, this.limits).y > 1);
          for (let first = 0; first < tiles.length; first += perChunk) {
            throwIfCancelled(control.signal);
            const chunk = tiles.slice(first, first + perChunk);
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
    const { lo, hi, elements, base } = inputSpan(input);
    if (elements * 4 > this.limits.maxBufferBytes) {
      throw new Error(
        `an input of ${elements} elements (${elements * 4} bytes as float32) exceeds this GPU's largest buffer (${this.limits.maxBufferBytes} bytes)`,
      );
    }
    const buffer = this.buffers.acquire(elements * 4, BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_DST, held);
    if (input.size > 0) {
      const source = input.data.subarray(lo, hi + 1);
      const values = source instanceof Float32Array ? source : Float32Array.from(source);
      this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    }
    return { buffer, elements, base };
  }

  /** Every tile's uniform block, one aligned slice each, in one buffer. */
  private paramsBuffer(
    kernel: CompiledKernel,
    inputs: readonly NDArray[],
    uploads: Map<number, Uploaded>,
    tiles: readonly Tile[],
    held: GPUBuffer[],
  ): GPUBuffer {
    const { layout, readBinding } = kernel.wgsl;
    const sliceBytes = paramSliceBytes(layout.slotCount, this.limits.uniformAlignBytes);
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
    const sliceBytes = paramSliceBytes(kernel.wgsl.layout.slotCount, this.limits.uniformAlignBytes);
    try {
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass(query ? { timestampWrites: query.writes } : {});
      pass.setPipeline(pipeline);
      const layout = pipeline.getBindGroupLayout(0);
      tiles.forEach((tile, k) => {
        const entries: GPUBindGroupEntry[] = [
          {
            binding: 0,
            resource: { buffer: params, offset: sliceBytes * (firstTile + k), size: kernel.wgsl.layout.slotCount * 4 },
          },
          { binding: 1, resource: { buffer: storage, offset: (tile.start - chunkStart) * 4, size: tile.count * 4 } },
        ];
        kernel.wgsl.boundInputs.forEach((input, b) => {
          const window = tile.windows[b]!;
          entries.push({
            binding: FIRST_INPUT_BINDING + b,
            resource: { buffer: uploads.get(input)!.buffer, offset: window.start * 4, size: window.count * 4 },
          });
        });
        pass.setBindGroup(0, this.device.createBindGroup({ layout, entries }));
        const { x, y } =
          wgsl.indexing === 'rows'
            ? rowDispatch(kernel.fused.outShape, this.limits)!
            : dispatchSize(tile.count, this.limits);
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

const bitsView = new DataView(new ArrayBuffer(4));
/** The bits of `value` as a float32 (little-endian, as the GPU reads its uniform block). */
function float32Bits(value: number): number {
  bitsView.setFloat32(0, value, true);
  return bitsView.getUint32(0, true);
}
