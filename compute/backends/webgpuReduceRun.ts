// How one fused map-reduce runs on the GPU (the shaders are wgslReduce.ts's):
// pass 1 in one or more submissions, each folding the next span of every
// run into the partials (so a cancel lands between them and progress moves),
// pass 2 in the last submission, then only the results — 16 bytes per
// output element — come back. Besides the inputs, the GPU holds the
// partials (a few KiB) and the results: never the map's values.
//
// This module never uploads inputs or opens error scopes: the executable
// (webgpuExecutable.ts) does, once per run, for every kernel.

import { NDArray } from '../core/ndarray.js';
import type { ReductionPrimitive } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';
import { throwIfCancelled } from './backend.js';
import type { FusedKernel } from './fuse.js';
import { BUFFER_USAGE, MAP_READ } from './webgpuBufferPool.js';
import { GPU_DTYPE, submitTimedPass, writeGraphWords } from './webgpuContext.js';
import type { KernelRun, KernelRunStats } from './webgpuMapRun.js';
import { paramSliceBytes } from './webgpuTiling.js';
import { FIRST_INPUT_BINDING } from './wgslGraph.js';
import { PARTIAL_BYTES, REDUCE_WORDS, type WgslReduction } from './wgslReduce.js';

/** One reduction output: its fused kernel and its two passes. */
export interface CompiledReduction {
  readonly kind: 'reduce';
  readonly fused: FusedKernel;
  /** Null where it reads the results of kernel `fused.sharesPass` (argmax beside max: one pass for both). */
  readonly wgsl: WgslReduction | null;
}

/** What a reduction's run leaves: per output element one partial (s, c, i), and what it held on the GPU. */
export interface ReductionRun {
  readonly results: ArrayBuffer;
  readonly stats: KernelRunStats;
  /** Bytes of the partials buffer on the GPU. */
  readonly partialBytes: number;
}

export async function runReduction(kernel: CompiledReduction, run: KernelRun): Promise<ReductionRun> {
  const { device, buffers, limits } = run.context;
  const wgsl = kernel.wgsl!;
  const { length, resultShape } = kernel.fused.reduce!;
  const segments = Math.max(1, sizeOf(resultShape));
  if (segments > limits.maxWorkgroupsPerDimension) {
    throw new Error(
      `a reduction to ${segments} values needs one workgroup row per value, beyond this GPU's ` +
        `${limits.maxWorkgroupsPerDimension}; reduce over more axes or on a CPU backend`,
    );
  }
  for (const input of wgsl.boundInputs) {
    const { elements } = run.uploads.get(input)!;
    if (elements > limits.inputBindingElements) {
      throw new Error(
        `a reduction on the GPU reads each input in one binding, and an input of ${elements} elements ` +
          `exceeds this GPU's ${limits.inputBindingElements}; reduce on a CPU backend`,
      );
    }
  }
  const size = wgsl.workgroupSize;
  const groups = Math.max(1, Math.min(Math.ceil(length / size), limits.reduceGroups, limits.maxWorkgroupsPerDimension));
  // Elements of each run per submission: chunkBytes' worth of map values over all runs, at least one per invocation.
  const span = Math.max(groups * size, Math.floor(limits.chunkBytes / 4 / segments));
  const submissions = Math.max(1, Math.ceil(length / span));
  const [pass1, pass2] = await Promise.all([run.pipeline(wgsl.pass1), run.pipeline(wgsl.pass2)]);
  const U = BUFFER_USAGE;
  const partialBytes = segments * groups * PARTIAL_BYTES;
  const partials = buffers.acquire(partialBytes, U.STORAGE, run.held);
  const results = buffers.acquire(segments * PARTIAL_BYTES, U.STORAGE | U.COPY_SRC, run.held);
  const staging = buffers.acquire(segments * PARTIAL_BYTES, U.MAP_READ | U.COPY_DST, run.held);
  const sliceBytes = paramSliceBytes(wgsl.layout.slotCount, limits.uniformAlignBytes);
  const params = buffers.acquire(sliceBytes * submissions, U.UNIFORM | U.COPY_DST, run.held);
  const slots = new Uint32Array((sliceBytes / 4) * submissions);
  for (let s = 0; s < submissions; s++) {
    const at = (sliceBytes / 4) * s;
    slots[at + REDUCE_WORDS.first] = s * span;
    slots[at + REDUCE_WORDS.end] = Math.min(length, (s + 1) * span);
    slots[at + REDUCE_WORDS.groups] = groups;
    slots[at + wgsl.layout.extra[0]!] = length;
    slots[at + wgsl.layout.extra[1]!] = 0;
    writeGraphWords(slots, at, wgsl.layout, kernel.fused, run.inputs, run.uploads, () => 0);
  }
  device.queue.writeBuffer(params, 0, slots.buffer, 0, slots.byteLength);
  const pass2Params = buffers.acquire(16, U.UNIFORM | U.COPY_DST, run.held);
  device.queue.writeBuffer(pass2Params, 0, Uint32Array.of(groups, 0, 0, 0));

  const inputEntries = wgsl.boundInputs.map((input, b) => {
    const { buffer, elements } = run.uploads.get(input)!;
    return { binding: FIRST_INPUT_BINDING + b, resource: { buffer, offset: 0, size: elements * 4 } };
  });
  const pass2Group = device.createBindGroup({
    layout: pass2.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: pass2Params } },
      { binding: 1, resource: { buffer: partials } },
      { binding: 2, resource: { buffer: results } },
    ],
  });
  const stats: KernelRunStats = {
    kernelMs: 0,
    readbackMs: 0,
    clock: 'timestamps',
    dispatches: submissions + 1,
    chunks: submissions,
    twoDimensional: segments > 1,
    rowIndexed: false,
  };
  for (let s = 0; s < submissions; s++) {
    throwIfCancelled(run.control.signal);
    const pass1Group = device.createBindGroup({
      layout: pass1.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params, offset: sliceBytes * s, size: wgsl.layout.slotCount * 4 } },
        { binding: 1, resource: { buffer: partials } },
        ...inputEntries,
      ],
    });
    const measured = await submitTimedPass(run.context, (pass) => {
      pass.setPipeline(pass1);
      pass.setBindGroup(0, pass1Group);
      pass.dispatchWorkgroups(groups, segments);
      // Dispatches in one pass are ordered, each seeing the storage writes of those before it.
      if (s === submissions - 1) {
        pass.setPipeline(pass2);
        pass.setBindGroup(0, pass2Group);
        pass.dispatchWorkgroups(1, segments);
      }
    });
    stats.kernelMs += measured.kernelMs;
    if (measured.clock === 'fence') stats.clock = 'fence';
    run.advance(Math.min(length, (s + 1) * span) * segments);
  }
  const started = performance.now();
  const copy = device.createCommandEncoder();
  copy.copyBufferToBuffer(results, 0, staging, 0, segments * PARTIAL_BYTES);
  device.queue.submit([copy.finish()]);
  await staging.mapAsync(MAP_READ);
  const read = staging.getMappedRange().slice(0);
  staging.unmap();
  stats.readbackMs = performance.now() - started;
  return { results: read, stats, partialBytes };
}

/**
 * The result array of a reduction from the results of its pass 2: a sum is
 * s + c added in float64 (s alone once it is infinite or NaN, where c means
 * nothing), then rounded to float32; an extreme its value; an arg form its
 * index, in float64 as every backend returns indices.
 */
export function reductionResult(kind: ReductionPrimitive, shape: readonly number[], results: ArrayBuffer): NDArray {
  const arg = kind === 'argmax' || kind === 'argmin';
  const out = NDArray.empty(shape, arg ? 'float64' : GPU_DTYPE);
  const values = new Float32Array(results);
  const indices = new Uint32Array(results);
  for (let k = 0; k < out.size; k++) {
    const s = values[4 * k]!;
    out.data[out.offset + k] = arg
      ? indices[4 * k + 2]!
      : kind === 'reduce_sum' && Number.isFinite(s)
        ? s + values[4 * k + 1]!
        : s;
  }
  return out;
}
