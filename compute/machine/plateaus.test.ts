import { describe, expect, it } from 'vitest';
import { mountainSizes, plateauSizes } from './bandwidth.js';
import { misorderedLevels, misorderedText, plateausFromCurve, plateauWindows } from './plateaus.js';
import type { BandwidthPoint, Caches, MemoryLevel } from './types.js';

const KiB = 1024;
const MiB = 1024 ** 2;
/** This machine's caches: 48 KiB L1 and 2 MiB L2 per core, a 300 MiB L3 shared with a whole socket; 2 threads. */
const caches: Caches = { L1: 48 * KiB, L2: 2 * MiB, L3: 300 * MiB, source: 'sysfs' };
const threads = 2;
const plateaus = plateauSizes(caches, threads);
const windows = plateauWindows(
  { L1: caches.L1!, L2: caches.L2!, L3Set: plateaus.L3, DRAMSet: plateaus.DRAM, threads },
  plateaus,
);
const sizes = mountainSizes(plateaus);

/** A clean staircase (read, write GB/s): 140/42 in L1, 95/31 in L2, 40/20 in L3, 24/19 in DRAM, with the bends. */
function idealRead(bytes: number): [number, number] {
  if (bytes <= 96 * KiB) return [140, 42];
  if (bytes <= 2 * MiB) return [95, 31];
  if (bytes <= 4 * MiB) return [66, 24];
  if (bytes <= 64 * MiB) return [40, 20];
  return [24, 19];
}

function curve(slowed: (bytes: number) => number = () => 1): BandwidthPoint[] {
  return sizes.map((bytes) => {
    const [read, write] = idealRead(bytes);
    return { bytes, readGBps: read * slowed(bytes), writeGBps: write * slowed(bytes) };
  });
}

const reads = (levels: Record<MemoryLevel, BandwidthPoint>) =>
  [levels.L1, levels.L2, levels.L3, levels.DRAM].map((l) => l.readGBps);

describe('the plateaus read off a bandwidth curve', () => {
  it('puts each level’s chosen working set inside its window, and the windows in order', () => {
    for (const level of ['L1', 'L2', 'L3', 'DRAM'] as const) {
      expect(plateaus[level]).toBeGreaterThanOrEqual(windows[level].minBytes);
      expect(plateaus[level]).toBeLessThanOrEqual(windows[level].maxBytes);
    }
    expect(windows.L1.maxBytes).toBeLessThan(windows.L2.minBytes);
    expect(windows.L2.maxBytes).toBeLessThan(windows.L3.minBytes);
    expect(windows.L3.maxBytes).toBeLessThan(windows.DRAM.minBytes);
  });

  it('reads the staircase of a clean curve, leaving the bends between levels out', () => {
    const levels = plateausFromCurve(curve(), windows);
    expect(reads(levels)).toEqual([140, 95, 40, 24]);
    // Each level is known by its chosen working set, whichever point gave the best figure (the roofline's reach).
    expect([levels.L1, levels.L2, levels.L3, levels.DRAM].map((l) => l.bytes)).toEqual([
      plateaus.L1,
      plateaus.L2,
      plateaus.L3,
      plateaus.DRAM,
    ]);
    expect(misorderedLevels(levels)).toEqual([]);
  });

  it('keeps L1 above L2 when a busy neighbour slowed L1’s chosen working set to L2’s speed', () => {
    // Under load the one point at L1's chosen set (48 KiB) came out at 93 GB/s; its neighbours did not.
    const noisy = curve((bytes) => (bytes === plateaus.L1 ? 93 / 140 : 1));
    const onePoint = noisy.find((p) => p.bytes === plateaus.L1)!.readGBps;
    expect(onePoint).toBeLessThan(95);
    const levels = plateausFromCurve(noisy, windows);
    expect(levels.L1.readGBps).toBe(140);
    expect(misorderedLevels(levels)).toEqual([]);
  });

  it('names the pairs still out of order where a whole level was slowed, for measuring again', () => {
    const slowL1 = curve((bytes) => (bytes <= windows.L1.maxBytes ? 0.6 : 1));
    const misordered = misorderedLevels(plateausFromCurve(slowL1, windows));
    expect(misordered.map((m) => `${m.faster}>${m.slower} ${m.direction}`)).toEqual(['L1>L2 read', 'L1>L2 write']);
    expect(misorderedText(misordered[0]!)).toBe("L1 reads 84.0 GB/s, no faster than L2's 95.0 GB/s");
  });

  it('counts equal figures as out of order, and refuses a curve with nothing in a window', () => {
    const flat = { readGBps: 20, writeGBps: 10 };
    expect(misorderedLevels({ L1: flat, L2: flat, L3: flat, DRAM: flat })).toHaveLength(6);
    expect(() =>
      plateausFromCurve(
        curve().filter((p) => p.bytes > windows.L1.maxBytes),
        windows,
      ),
    ).toThrow(/the L1 window/);
  });

  it('keeps every window non-empty where L2s together outgrow half the L3 (many cores, a small L3)', () => {
    const small: Caches = { L1: 32 * KiB, L2: 1 * MiB, L3: 16 * MiB, source: 'sysfs' };
    const p = plateauSizes(small, 16);
    const w = plateauWindows({ L1: small.L1!, L2: small.L2!, L3Set: p.L3, DRAMSet: p.DRAM, threads: 16 }, p);
    for (const level of ['L1', 'L2', 'L3', 'DRAM'] as const) {
      const inside = mountainSizes(p).filter((b) => b >= w[level].minBytes && b <= w[level].maxBytes);
      expect(inside.length, level).toBeGreaterThan(0);
    }
  });
});
