// Memory bandwidth by working-set size on the native pool's threads (each
// thread its own contiguous slice): the memory mountain, and the L1, L2, L3
// and DRAM plateaus read off it (plateaus.ts), each level measured again
// where it comes out no faster than the next. Reads sum
// the data; writes store non-zero, varying values, as a real output is
// written. DRAM's write figure uses streaming stores, as the write floor
// does, so that the two agree. Measures only; never prints.

import type { NativeAddon } from '../backends/nativeAddon.js';
import { throwIfCancelled } from '../backends/backend.js';
import { misorderedLevels, plateausFromCurve, plateauWindows } from './plateaus.js';
import type { BandwidthPoint, Caches, LevelBandwidth, MemoryLevel } from './types.js';

/** Each probe runs at least this long, so that the timer's resolution and the pool's wake-up are small beside it. */
const PROBE_MS = 15;
/** Tries per probe; the best is kept (the machine's capacity; a busy neighbour only ever slows a try). */
const TRIES = 4;
/** The DRAM working set stays within this, so that the measurement fits its time budget (first touch is paid once). */
const MAX_DRAM_BYTES = 256 * 1024 ** 2;
const MIN_DRAM_BYTES = 64 * 1024 ** 2;
/** Where the OS is silent: sizes common to current desktop CPUs. */
const FALLBACK = { L1: 32 * 1024, L2: 1024 ** 2, L3: 16 * 1024 ** 2 };

/** The working sets (all threads together) that sit inside each level: half of L1 and L2 per thread, past every L2. */
export function plateauSizes(caches: Caches, threads: number): Record<MemoryLevel, number> {
  const l1 = caches.L1 ?? FALLBACK.L1;
  const l2 = caches.L2 ?? FALLBACK.L2;
  const l3 = caches.L3 ?? FALLBACK.L3;
  const pastL2 = 4 * l2 * threads;
  return {
    L1: (l1 / 2) * threads,
    L2: (l2 / 2) * threads,
    L3: Math.min(l3 / 2, pastL2),
    DRAM: Math.min(MAX_DRAM_BYTES, Math.max(MIN_DRAM_BYTES, 4 * l3)),
  };
}

/** Log-spaced sizes from 16 KiB to the DRAM set, with the plateau sizes among them. */
export function mountainSizes(plateaus: Record<MemoryLevel, number>): number[] {
  const sizes = new Set<number>(Object.values(plateaus));
  for (let bytes = 16 * 1024; bytes < plateaus.DRAM; bytes *= 2) sizes.add(bytes);
  return [...sizes].sort((a, b) => a - b);
}

export type ProbeKind = 0 | 1 | 2;

/** GB/s of one probe over `data` (best of TRIES), passes chosen so that each try lasts PROBE_MS. */
export async function probeGBps(
  addon: NativeAddon,
  data: Float32Array,
  kind: ProbeKind,
  threads: number,
  signal?: AbortSignal,
): Promise<number> {
  throwIfCancelled(signal);
  const once = await addon.probeMemory(data, kind, 1, threads).promise;
  const passes = Math.max(1, Math.min(1e6, Math.ceil(PROBE_MS / Math.max(once, 1e-3))));
  let best = 0;
  for (let t = 0; t < TRIES; t++) {
    throwIfCancelled(signal);
    const ms = await addon.probeMemory(data, kind, passes, threads).promise;
    best = Math.max(best, (data.byteLength * passes) / (ms * 1e6));
  }
  return best;
}

export interface BandwidthResult {
  bandwidth: Record<MemoryLevel, LevelBandwidth>;
  curve: BandwidthPoint[];
}

/** Times a level is measured again where it comes out no faster than the level after it. */
const REORDER_TRIES = 2;

/** The mountain and the plateaus; `onStep` after each size with the fraction done. */
export async function measureBandwidth(
  addon: NativeAddon,
  caches: Caches,
  threads: number,
  options: { signal?: AbortSignal; onStep?: (fraction: number) => void } = {},
): Promise<BandwidthResult> {
  const { signal } = options;
  const plateaus = plateauSizes(caches, threads);
  const windows = plateauWindows(
    {
      L1: caches.L1 ?? FALLBACK.L1,
      L2: caches.L2 ?? FALLBACK.L2,
      L3Set: plateaus.L3,
      DRAMSet: plateaus.DRAM,
      threads,
    },
    plateaus,
  );
  const sizes = mountainSizes(plateaus);
  const buffer = new Float32Array(Math.floor(plateaus.DRAM / 4));
  const slice = (bytes: number) => buffer.subarray(0, Math.floor(bytes / 4));
  const curve: BandwidthPoint[] = [];
  /** Probes one size (again) and keeps the best figures seen there. */
  const probeSize = async (bytes: number) => {
    const data = slice(bytes);
    const readGBps = await probeGBps(addon, data, 0, threads, signal);
    const writeGBps = await probeGBps(addon, data, 1, threads, signal);
    const seen = curve.find((p) => p.bytes === data.byteLength);
    if (!seen) curve.push({ bytes: data.byteLength, readGBps, writeGBps });
    else
      Object.assign(seen, {
        readGBps: Math.max(seen.readGBps, readGBps),
        writeGBps: Math.max(seen.writeGBps, writeGBps),
      });
  };
  for (const [k, bytes] of sizes.entries()) {
    await probeSize(bytes);
    options.onStep?.((k + 1) / (sizes.length + 1));
  }
  // Streaming stores: DRAM's writes, as the floor makes them; and L3's where they beat ordinary stores there (as
  // on some server meshes, where ordinary stores to a set in L3 pay a read for ownership and a write-back per line).
  const streaming = { L3: 0, DRAM: 0 };
  const probeStreaming = async () => {
    streaming.DRAM = Math.max(streaming.DRAM, await probeGBps(addon, buffer, 2, threads, signal));
    streaming.L3 = Math.max(streaming.L3, await probeGBps(addon, slice(plateaus.L3), 2, threads, signal));
  };
  await probeStreaming();
  const levels = (): Record<MemoryLevel, LevelBandwidth> => {
    const found = plateausFromCurve(curve, windows);
    const stores = (level: MemoryLevel): LevelBandwidth => ({ ...found[level], writeKind: 'stores' });
    const l3 = stores('L3');
    return {
      L1: stores('L1'),
      L2: stores('L2'),
      L3: streaming.L3 > l3.writeGBps ? { ...l3, writeGBps: streaming.L3, writeKind: 'streaming' } : l3,
      DRAM: { ...found.DRAM, writeGBps: streaming.DRAM, writeKind: 'streaming' },
    };
  };
  // A busy neighbour can slow one level's probes (L1 read no faster than L2 was seen): measure the pair again.
  for (let t = 0; t < REORDER_TRIES; t++) {
    const misordered = misorderedLevels(levels());
    if (misordered.length === 0) break;
    const again = new Set(misordered.flatMap((m) => [m.faster, m.slower]));
    for (const level of again) await probeSize(plateaus[level]);
    if (again.has('L3') || again.has('DRAM')) await probeStreaming();
  }
  options.onStep?.(1);
  curve.sort((a, b) => a.bytes - b.bytes);
  return { bandwidth: levels(), curve };
}
