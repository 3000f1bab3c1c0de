// Peak arithmetic: an FMA loop with no memory traffic, for each instruction-
// set copy this CPU runs, float32 and float64, on one thread and on all of
// the native pool's. Two flops per FMA (a multiply and an add where the copy
// has no FMA). Measures only.

import type { DType } from '../core/dtype.js';
import { throwIfCancelled } from '../backends/backend.js';
import type { NativeAddon } from '../backends/nativeAddon.js';
import type { Lanes, PeakThroughput } from './types.js';

/** Independent FMA chains in the loop (machine_probes.h's kFmaVectors). */
const FMA_VECTORS = 12;
const PROBE_MS = 12;
const TRIES = 2;
const DTYPES: readonly DType[] = ['float32', 'float64'];

async function gflops(
  addon: NativeAddon,
  isa: string,
  lanes: Lanes,
  dtype: DType,
  threads: number,
  signal?: AbortSignal,
): Promise<number> {
  const flopsPerIteration = 2 * FMA_VECTORS * lanes[dtype];
  const probeIterations = 20_000;
  const once = await addon.probeFma(dtype, probeIterations, threads, isa).promise;
  const iterations = Math.max(probeIterations, Math.ceil((probeIterations * PROBE_MS) / Math.max(once, 1e-3)));
  let best = 0;
  for (let t = 0; t < TRIES; t++) {
    throwIfCancelled(signal);
    const ms = await addon.probeFma(dtype, iterations, threads, isa).promise;
    best = Math.max(best, (iterations * flopsPerIteration * threads) / (ms * 1e6));
  }
  return best;
}

export interface PeakResult {
  isas: string[];
  lanes: Record<string, Lanes>;
  peakGflops: Record<string, Record<DType, PeakThroughput>>;
}

/** Gflop/s per ISA copy and dtype, 1 thread and `threads`; `onStep` with the fraction done. */
export async function measurePeak(
  addon: NativeAddon,
  threads: number,
  options: { signal?: AbortSignal; onStep?: (fraction: number) => void } = {},
): Promise<PeakResult> {
  // Narrowest (scalar) first: the widest, last, is the one the evaluator picks.
  const copies = addon.targets().reverse();
  const result: PeakResult = { isas: copies.map((c) => c.isa), lanes: {}, peakGflops: {} };
  let done = 0;
  for (const { isa, lanesFloat32, lanesFloat64 } of copies) {
    const lanes = { float32: lanesFloat32, float64: lanesFloat64 };
    result.lanes[isa] = lanes;
    const perDtype = {} as Record<DType, PeakThroughput>;
    for (const dtype of DTYPES) {
      throwIfCancelled(options.signal);
      const oneThread = await gflops(addon, isa, lanes, dtype, 1, options.signal);
      const allThreads = threads > 1 ? await gflops(addon, isa, lanes, dtype, threads, options.signal) : oneThread;
      perDtype[dtype] = { oneThread, allThreads };
      options.onStep?.(++done / (copies.length * DTYPES.length));
    }
    result.peakGflops[isa] = perDtype;
  }
  return result;
}
