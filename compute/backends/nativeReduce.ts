// The native backend's fused map-reduce, seen from JavaScript: what the
// addon is asked for (the kind, the run per output element, the parts) and
// how the partials it leaves — one per part when the output is one number,
// so one per thread or per pmap device, else one per output element — become
// the result array. The parts combine in order, so the first extreme wins
// ties as in NumPy, whatever the thread count.

import { NDArray } from '../core/ndarray.js';
import { combine, emptyPartial, finish } from '../core/reductions.js';
import type { ReductionPrimitive } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';
import type { FusedKernel } from './fuse.js';

const KIND_CODE: { [P in ReductionPrimitive]: number } = {
  reduce_sum: 1,
  reduce_max: 2,
  argmax: 2,
  reduce_min: 3,
  argmin: 3,
};

/** Elements a part should have at least, so that each pays its prologue rarely. */
const MIN_PART_ELEMENTS = 16 * 1024;

export interface NativeReduction {
  /** The addon's `reduce` argument: [kind, length, segments, parts]. */
  request: Float64Array;
  /** Two per slot (value, index), filled with each slot's empty value. */
  partials: Float64Array;
}

/**
 * The request for one run of a map-reduce kernel on `workers` threads (parts: the placement's, pmap's one per device).
 */
export function nativeReduction(kernel: FusedKernel, workers: number, parts: number | undefined): NativeReduction {
  const reduce = kernel.reduce!;
  const size = sizeOf(kernel.outShape);
  const segments = Math.max(1, sizeOf(reduce.resultShape));
  const chosen = parts ?? (workers === 1 ? 1 : Math.min(workers * 4, Math.ceil(size / MIN_PART_ELEMENTS)));
  const count = Math.max(1, Math.min(chosen, segments > 1 ? segments : Math.max(1, size)));
  const slots = Math.max(segments, count);
  const partials = new Float64Array(2 * slots);
  const empty = emptyPartial(reduce.kind);
  for (let k = 0; k < slots; k++) partials.set([empty.value, empty.index], 2 * k);
  return { request: Float64Array.of(KIND_CODE[reduce.kind], reduce.length, segments, count), partials };
}

/** The parts' values, in order (the lesson shows each device's partial); their combination is the result. */
export function partialValues(kernel: FusedKernel, { request, partials }: NativeReduction): number[] {
  const slots = (request[2]! > 1 ? request[2] : request[3])!;
  return Array.from({ length: slots }, (_, k) => partials[2 * k]!);
}

/** The result array from the partials the addon left. */
export function reductionResult(kernel: FusedKernel, { request, partials }: NativeReduction): NDArray {
  const reduce = kernel.reduce!;
  const out = NDArray.empty(reduce.resultShape, reduce.resultDtype);
  const segments = request[2]!;
  const data = out.data;
  if (segments > 1 || out.size !== 1) {
    for (let k = 0; k < out.size; k++) {
      data[k] = finish(reduce.kind, { value: partials[2 * k]!, compensation: 0, index: partials[2 * k + 1]! });
    }
    return out;
  }
  const acc = emptyPartial(reduce.kind);
  // Each part's index is already the run's (the VM counts from the run's start).
  for (let k = 0; k < request[3]!; k++) combine(reduce.kind, acc, partials[2 * k]!, partials[2 * k + 1]!);
  data[0] = finish(reduce.kind, acc);
  return out;
}
