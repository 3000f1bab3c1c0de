// The evaluator's own transcendental throughput: cos over a vector that
// stays in cache, run through the real path (traced, fused, lowered to
// bytecode, evaluated by the native VM) on one thread, in cos per ns. The
// compute roof of a formula whose time goes to its cos calls. Measures only.

import type { DType } from '../core/dtype.js';
import { linspace } from '../core/creation.js';
import { throwIfCancelled } from '../backends/backend.js';
import type { NativeExecutable } from '../backends/native.js';
import { cos } from '../ops.js';
import { jit } from '../transforms/jit.js';

/** 256 Ki values: 1 MiB of float32, in L2, so that memory is not what is timed. */
const POINTS = 256 * 1024;
const ROUNDS = 7;

/** cos per ns on one thread of the native evaluator, best of a few rounds. */
export async function cosPerNs(dtype: DType, signal?: AbortSignal): Promise<number> {
  const x = linspace(-4, 4, POINTS, { dtype });
  try {
    const executable = jit((v) => cos(v), { backend: 'native' }).lower(x).executable as NativeExecutable;
    let bestMs = Infinity;
    for (let round = 0; round <= ROUNDS; round++) {
      throwIfCancelled(signal);
      const started = performance.now();
      const [out] = await executable.runOn([x], { devices: 1, parts: 1 });
      const ms = performance.now() - started;
      out!.dispose();
      // Round 0 warms the output buffer and the code; it is not counted.
      if (round > 0) bestMs = Math.min(bestMs, ms);
    }
    return POINTS / (bestMs * 1e6);
  } finally {
    x.dispose();
  }
}
