// What a run on the webgpu backend has to work with, and the steps every
// kind of kernel takes the same way: the opened device and its limits, the
// hooks back to the backend, inputs uploaded as float32, a kernel's uniform
// words filled from the arrays it reads, a compute pass submitted and timed
// (by the GPU's timestamps where the adapter has them, else by a fence), and
// GPU errors turned into thrown ones.
//
// WGSL has no f64: every kernel computes in float32 (GPU_DTYPE), whatever
// dtype the graph was traced with.
//
// This module never opens a device or builds a pipeline: the backend
// (webgpu.ts) does, behind BackendHooks.

import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { type FusedKernel, readStrides } from './fuse.js';
import type { OpenedAdapter } from './webgpuAdapter.js';
import { BUFFER_USAGE, type BufferPool } from './webgpuBufferPool.js';
import { type InputSpan, type RunLimits, inputSpan } from './webgpuTiling.js';
import { TimestampQuery } from './webgpuTimestamps.js';
import type { WgslParamLayout } from './wgslGraph.js';

/** What the GPU computes in, whatever was asked for. */
export const GPU_DTYPE: DType = 'float32';

export type KernelClock = 'timestamps' | 'fence';

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

/** What an executable asks of its backend. Pipelines are cached by source. */
export interface BackendHooks {
  ready(): Promise<GpuContext>;
  pipeline(source: string): Promise<GPUComputePipeline>;
  serialize<T>(work: () => Promise<T>): Promise<T>;
  lostReason(): string | null;
}

/** One graph input as it lies on the GPU for this run. */
export interface Uploaded extends InputSpan {
  readonly buffer: GPUBuffer;
}

/** Copies the part of an input its reads can reach into a new storage buffer, as float32. */
export function uploadInput(context: GpuContext, input: NDArray, held: GPUBuffer[]): Uploaded {
  const { lo, hi, elements, base } = inputSpan(input);
  if (elements * 4 > context.limits.maxBufferBytes) {
    throw new Error(
      `an input of ${elements} elements (${elements * 4} bytes as float32) exceeds this GPU's largest buffer ` +
        `(${context.limits.maxBufferBytes} bytes)`,
    );
  }
  const buffer = context.buffers.acquire(elements * 4, BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_DST, held);
  if (input.size > 0) {
    const source = input.data.subarray(lo, hi + 1);
    const values = source instanceof Float32Array ? source : Float32Array.from(source);
    context.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
  }
  return { buffer, elements, base };
}

/**
 * The uniform words every kernel over a fused graph has, written at `at` in
 * `slots`: the bits of +Infinity and NaN, the loop's sizes, each read's
 * offset (relative to the window `windowStart(read)` of its buffer) and
 * strides, and the constants. The kernel's own words are the caller's.
 */
export function writeGraphWords(
  slots: Uint32Array,
  at: number,
  layout: WgslParamLayout,
  fused: FusedKernel,
  inputs: readonly NDArray[],
  uploads: ReadonlyMap<number, Uploaded>,
  windowStart: (read: number) => number,
): void {
  const rank = fused.outShape.length;
  slots[at + layout.infBits] = float32Bits(Infinity);
  slots[at + layout.nanBits] = float32Bits(NaN);
  layout.shape.forEach((slot, axis) => (slots[at + slot] = fused.outShape[axis]!));
  for (const { slot, value } of layout.constants) slots[at + slot] = float32Bits(value);
  fused.reads.forEach((read, r) => {
    const strides = readStrides(read, rank, inputs[read.input]!);
    // u32 arithmetic wraps: a negative offset is its two's complement (see wgslGraph.ts).
    slots[at + layout.readOffset[r]!] = (uploads.get(read.input)!.base - windowStart(r)) >>> 0;
    layout.readStrides[r]!.forEach((slot, axis) => (slots[at + slot] = strides[axis]! >>> 0));
  });
}

/** Submits one compute pass that `record` fills, waits for it, and says how long the GPU took. */
export async function submitTimedPass(
  context: GpuContext,
  record: (pass: GPUComputePassEncoder) => void,
): Promise<{ kernelMs: number; clock: KernelClock }> {
  const { device } = context;
  const query = context.limits.timestamps ? new TimestampQuery(device) : null;
  try {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass(query ? { timestampWrites: query.writes } : {});
    record(pass);
    pass.end();
    query?.resolve(encoder);
    const started = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const fenceMs = performance.now() - started;
    const timestampMs = query ? await query.read() : null;
    return timestampMs === null
      ? { kernelMs: fenceMs, clock: 'fence' }
      : { kernelMs: timestampMs, clock: 'timestamps' };
  } finally {
    query?.destroy();
  }
}

/**
 * Runs `body` inside validation and out-of-memory error scopes, always
 * popping them; a GPU error becomes the thrown error (Dawn reports such
 * errors only through the scopes, after the fact).
 */
export async function withErrorScopes(device: GPUDevice, body: () => Promise<void>): Promise<void> {
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
export function float32Bits(value: number): number {
  bitsView.setFloat32(0, value, true);
  return bitsView.getUint32(0, true);
}
