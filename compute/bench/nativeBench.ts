// The native backend's lines in `vlab bench`: ratios against yardsticks
// measured in the same run — the lesson's f as a hand-written, vectorized
// C++ loop (one thread and as many as pmap's devices, compiled in the same
// instruction-set copy as the evaluator), pmap on one device, and the JS
// backend's vmap — so that anyone can check the backend's claims on their
// own machine. Kernel ratios come from several rounds, with their spread.
// Measures only; prints nothing itself.

import type { DType } from '../core/dtype.js';
import { backendStatus, getBackend } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { gridSpecOf } from '../strategies/grid.js';
import { runStrategy } from '../strategies/run.js';
import type { GridSpec, RunRecord } from '../strategies/types.js';

const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const ms = (value: number) => `${value.toPrecision(3)} ms`;

/** Rounds of (strategy, yardstick) pairs behind each kernel ratio. */
export const KERNEL_ROUNDS = 5;

/** The goal vmap and pmap are held to against the hand-written loop on the same threads. */
export const KERNEL_GOAL = 1.1;

/** The median ratio with its range over the rounds: "1.04× (0.98–1.10 over 3 rounds)". */
export function spread(ratios: readonly number[]): string {
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  if (sorted.length < 2) return `${median.toFixed(2)}×`;
  return (
    `${median.toFixed(2)}× (${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)} over ` +
    `${sorted.length} rounds)`
  );
}

/**
 * Summary lines for one grid (its side, or in full), given the records the bench measured there; [] without the addon.
 */
export async function nativeBenchLines(
  gridOrN: number | GridSpec,
  dtype: DType,
  repeats: number,
  records: readonly RunRecord[],
  signal?: AbortSignal,
): Promise<string[]> {
  if (!backendStatus('native').available) return [];
  const backend = getBackend('native') as NativeBackend;
  const pmap = records.find((r) => r.strategy === 'pmap');
  const vmapNative = records.find((r) => r.strategy === 'vmap' && r.backend === 'native');
  const limit = records.find((r) => r.strategy === 'limit');
  if (!pmap && !vmapNative) return [];
  const threads = backend.devices().length;
  const grid = gridSpecOf(gridOrN);
  const options = { ...grid, dtype, repeats };
  const run = async (request: Parameters<typeof runStrategy>[0]) =>
    (await runStrategy(request, signal ? { signal } : {})).record;
  const lines: string[] = [];
  // The yardstick is compiled in the same SIMD target's copy as the evaluator; its cos is libmvec's where glibc has
  // one (the system's fastest vector math, which the evaluator's own portable cos is held to), else the evaluator's.
  const { isa, lessonCos } = backend.describe();
  // Ratios are taken round by round, each strategy beside a yardstick timed right after it, so that a
  // machine whose load drifts during the bench moves both sides of a ratio; the spread says how much it moved.
  const vmapRatios: number[] = [];
  const pmapRatios: number[] = [];
  let handOne = NaN;
  let handAll = NaN;
  for (let round = 0; round < KERNEL_ROUNDS; round++) {
    const vmapRecord =
      round === 0 ? vmapNative : vmapNative && (await run({ strategy: 'vmap', ...options, backend: 'native' }));
    handOne = await backend.handWrittenLoopMs(grid, dtype, repeats, 1);
    if (vmapRecord) vmapRatios.push(vmapRecord.medianMs / handOne);
    const pmapRecord =
      round === 0 ? pmap : pmap && (await run({ strategy: 'pmap', ...options, devices: pmap.devices }));
    handAll = await backend.handWrittenLoopMs(grid, dtype, repeats, pmap?.devices ?? threads);
    if (pmapRecord) pmapRatios.push(pmapRecord.medianMs / handAll);
  }
  const handThreads = pmap?.devices ?? threads;
  lines.push(
    `  hand-written C++ loop (${isa}, ${lessonCos}, same build as the evaluator): ${ms(handOne)} on 1 thread, ` +
      `${ms(handAll)} on ${handThreads}`,
  );
  if (limit)
    lines.push(
      `  hand-written C++ loop / limit: ${times(handOne, limit.medianMs)} (1 thread), ` +
        `${times(handAll, limit.medianMs)} (${handThreads} threads)`,
    );
  if (vmapNative)
    lines.push(
      `  vmap (native, 1 device) / hand-written C++ loop (1 thread): ${spread(vmapRatios)}   (goal ≤ ${KERNEL_GOAL}×)`,
    );
  if (pmap) {
    lines.push(
      `  pmap (native, ${pmap.devices} devices) / hand-written C++ loop (${pmap.devices} threads): ` +
        `${spread(pmapRatios)}   (goal ≤ ${KERNEL_GOAL}×)`,
    );
    const single = await run({ strategy: 'pmap', ...options, devices: 1 });
    lines.push(
      `  pmap speed-up, ${pmap.devices} devices over 1: ${times(single.medianMs, pmap.medianMs)}   (goal ≥ 1.7× on ` +
        `2 cores)`,
    );
    const jsVmap =
      records.find((r) => r.strategy === 'vmap' && r.backend === 'js') ??
      (await run({ strategy: 'vmap', ...options, backend: 'js' }));
    lines.push(`  pmap speed-up over vmap on the JS backend: ${times(jsVmap.medianMs, pmap.medianMs)}   (goal ≥ 10×)`);
    if (vmapNative)
      lines.push(`  pmap speed-up over vmap (native, 1 device): ${times(vmapNative.medianMs, pmap.medianMs)}`);
  }
  return lines;
}
