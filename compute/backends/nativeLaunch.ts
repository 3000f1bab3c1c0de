// One launch of a compiled native kernel: the geometry the addon reads (the output shape, then each read's offset
// and strides along the output axes), rewritten in place per call, and the await of a run that cancels it when the
// caller's signal fires. Allocates nothing per call.

import type { NDArray } from '../core/ndarray.js';
import { CancelledError } from './backend.js';
import type { FusedKernel } from './fuse.js';
import type { NativeHandle, NativeProgram } from './nativeAddon.js';

/** A fused kernel with its validated program. */
export interface CompiledKernel {
  fused: FusedKernel;
  program: NativeProgram;
  /** Launch geometry, rewritten per call: the addon copies it before returning, so one buffer serves every run. */
  geometry: Float64Array;
}

/** The launch geometry of one kernel: the output shape, then per read its offset and strides along the output axes. */
export function fillGeometry({ fused, geometry: g }: CompiledKernel, inputs: readonly NDArray[]): Float64Array {
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
export async function settle(handle: NativeHandle, signal: AbortSignal | undefined): Promise<number> {
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
