// The native backend's lines in `vlab bench`: ratios against yardsticks
// measured in the same run — the lesson's f as a hand-written, vectorized
// C++ loop (one thread and all threads), pmap on one device, and the JS
// backend's vmap — so that anyone can check the backend's claims on their
// own machine. Measures only; prints nothing itself.

import type { DType } from '../core/dtype.js';
import { backendStatus, getBackend } from './registry.js';
import type { NativeBackend } from './native.js';
import { runStrategy } from '../strategies/run.js';
import type { RunRecord } from '../strategies/types.js';

const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const ms = (value: number) => `${value.toPrecision(3)} ms`;

/** Summary lines for one grid size, given the records the bench measured there; [] without the addon. */
export async function nativeBenchLines(n: number, dtype: DType, repeats: number, records: readonly RunRecord[], signal?: AbortSignal): Promise<string[]> {
  if (!backendStatus('native').available) return [];
  const backend = getBackend('native') as NativeBackend;
  const pmap = records.find((r) => r.strategy === 'pmap');
  const vmapNative = records.find((r) => r.strategy === 'vmap' && r.backend === 'native');
  const limit = records.find((r) => r.strategy === 'limit');
  if (!pmap && !vmapNative) return [];
  const threads = backend.devices().length;
  const options = { n, dtype, repeats };
  const run = async (request: Parameters<typeof runStrategy>[0]) => (await runStrategy(request, signal ? { signal } : {})).record;
  const lines: string[] = [];
  const handOne = await backend.handWrittenLoopMs(n, dtype, repeats, 1);
  const handAll = await backend.handWrittenLoopMs(n, dtype, repeats, threads);
  // The yardstick is compiled in the same instruction-set copy as the evaluator, with the same libmvec calls: a fair ratio.
  const { isa } = backend.describe();
  lines.push(`  hand-written C++ loop (${isa}, libmvec cos, same build as the evaluator): ${ms(handOne)} on 1 thread, ${ms(handAll)} on ${threads}`);
  if (limit) lines.push(`  hand-written C++ loop / limit: ${times(handOne, limit.medianMs)} (1 thread), ${times(handAll, limit.medianMs)} (${threads} threads)`);
  if (vmapNative) lines.push(`  vmap (native, 1 device) / hand-written C++ loop (1 thread): ${times(vmapNative.medianMs, handOne)}   (goal ≤ 1.2×)`);
  if (pmap) {
    const handSame = pmap.devices === threads ? handAll : await backend.handWrittenLoopMs(n, dtype, repeats, pmap.devices);
    lines.push(`  pmap (native, ${pmap.devices} devices) / hand-written C++ loop (${pmap.devices} threads): ${times(pmap.medianMs, handSame)}   (goal ≤ 1.2×)`);
    const single = await run({ strategy: 'pmap', ...options, devices: 1 });
    lines.push(`  pmap speed-up, ${pmap.devices} devices over 1: ${times(single.medianMs, pmap.medianMs)}   (goal ≥ 1.7× on 2 cores)`);
    const jsVmap = records.find((r) => r.strategy === 'vmap' && r.backend === 'js') ?? (await run({ strategy: 'vmap', ...options, backend: 'js' }));
    lines.push(`  pmap speed-up over vmap on the JS backend: ${times(jsVmap.medianMs, pmap.medianMs)}   (goal ≥ 10×)`);
    if (vmapNative) lines.push(`  pmap speed-up over vmap (native, 1 device): ${times(vmapNative.medianMs, pmap.medianMs)}`);
  }
  return lines;
}
