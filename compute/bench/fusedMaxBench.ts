// `vlab bench`'s line for the fused map-reduce: pmap with --reduce max (each
// device reduces its rows, the grid never stored, then lax.pmax) against the
// same maximum written by hand in C++ — the same blocks, the same cos (the
// yardstick's own: libmvec where glibc has it), the same threads — timed
// round by round, as nativeBench.ts does.

import type { DType } from '../core/dtype.js';
import { backendStatus, getBackend } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { runStrategy } from '../strategies/run.js';
import type { GridSpec } from '../strategies/types.js';
import { KERNEL_ROUNDS, spread } from './nativeBench.js';

/** The goal the fused max is held to against the hand-written one. */
export const FUSED_MAX_GOAL = 1.15;

export async function fusedMaxBenchLines(
  grid: GridSpec,
  dtype: DType,
  repeats: number,
  signal?: AbortSignal,
): Promise<string[]> {
  if (!backendStatus('native').available) return [];
  const backend = getBackend('native') as NativeBackend;
  const threads = backend.devices().length;
  const ratios: number[] = [];
  let hand = { ms: NaN, max: NaN };
  let fusedMs = NaN;
  for (let round = 0; round < KERNEL_ROUNDS; round++) {
    const { record } = await runStrategy(
      { strategy: 'pmap', ...grid, dtype, repeats, reduce: 'max' },
      signal ? { signal } : {},
    );
    hand = await backend.handWrittenMaxMs(grid, dtype, repeats, record.devices);
    fusedMs = record.medianMs;
    // The yardstick's cos may be libmvec's and the evaluator's its own (vm_trig.h): they agree to a few units in the
    // last place.
    const tolerance = 8 * (dtype === 'float32' ? 2 ** -23 : 2 ** -52) * Math.abs(hand.max);
    if (!(Math.abs((record.value ?? NaN) - hand.max) <= tolerance)) {
      throw new Error(`the fused max (${record.value}) and the hand-written one (${hand.max}) disagree`);
    }
    ratios.push(record.medianMs / hand.ms);
  }
  return [
    `  fused max (pmap --reduce max, ${threads} devices): ${fusedMs.toPrecision(3)} ms; hand-written fused C++ max ` +
      `(${threads} threads, ${backend.describe().lessonCos}): ${hand.ms.toPrecision(3)} ms`,
    `  fused max / hand-written fused C++ max: ${spread(ratios)}   (goal ≤ ${FUSED_MAX_GOAL}×)`,
  ];
}
