// Reading the L1, L2, L3 and DRAM plateaus off a measured bandwidth curve:
// each level's figure is the best of the curve's points whose working set
// sits well inside that level (a window from the cache sizes), not one point,
// so that one try slowed by a busy neighbour does not make L1 look like L2.
// And the check that the levels come out ordered L1 > L2 > L3 > DRAM, which
// names the pairs to measure again where they do not. Pure functions over the
// curve and the cache sizes; measures nothing.

import { MEMORY_LEVELS, type BandwidthPoint, type MemoryLevel } from './types.js';

/** A level's window: the working sets (all threads together) that sit inside it, both ends included. */
export interface PlateauWindow {
  minBytes: number;
  maxBytes: number;
  /** The level's chosen working set (plateauSizes), which it is known by: the roofline takes twice it as its reach. */
  bytes: number;
}

/** What a window is made from: the per-core L1 and L2, the L3 and DRAM working sets measured, the threads. */
export interface WindowSizes {
  L1: number;
  L2: number;
  /** The working set chosen for L3 (plateauSizes: past every L2, within half the L3). */
  L3Set: number;
  /** The working set chosen for DRAM (the largest the mountain measures). */
  DRAMSet: number;
  threads: number;
}

/**
 * The windows: L1 up to every core's L1 together; L2 past twice that and up to half of every L2 (the rest
 * holds L1's victims); L3 past twice every L2, up to twice the L3 set; DRAM from half the DRAM set. A level's
 * chosen working set is always inside its window, so a window never comes out empty.
 */
export function plateauWindows(
  sizes: WindowSizes,
  plateaus: Record<MemoryLevel, number>,
): Record<MemoryLevel, PlateauWindow> {
  const { L1, L2, L3Set, DRAMSet, threads } = sizes;
  const around = (level: MemoryLevel, minBytes: number, maxBytes: number): PlateauWindow => ({
    minBytes: Math.min(minBytes, plateaus[level]),
    maxBytes: Math.max(maxBytes, plateaus[level]),
    bytes: plateaus[level],
  });
  return {
    L1: around('L1', 0, L1 * threads),
    L2: around('L2', 2 * L1 * threads + 1, (L2 * threads) / 2),
    L3: around('L3', 2 * L2 * threads + 1, 2 * L3Set),
    DRAM: around('DRAM', DRAMSet / 2, DRAMSet),
  };
}

/**
 * Each level's plateau: the best read and the best write of the curve's points in its window (noise only
 * ever slows a probe, so the best is the level's capacity), under the level's chosen working set.
 */
export function plateausFromCurve(
  curve: readonly BandwidthPoint[],
  windows: Record<MemoryLevel, PlateauWindow>,
): Record<MemoryLevel, BandwidthPoint> {
  const entries = MEMORY_LEVELS.map((level) => {
    const { minBytes, maxBytes } = windows[level];
    const inside = curve.filter((p) => p.bytes >= minBytes && p.bytes <= maxBytes);
    if (inside.length === 0)
      throw new Error(`no bandwidth measured between ${minBytes} and ${maxBytes} bytes, the ${level} window`);
    const readGBps = Math.max(...inside.map((p) => p.readGBps));
    const writeGBps = Math.max(...inside.map((p) => p.writeGBps));
    return [level, { bytes: windows[level].bytes, readGBps, writeGBps }] as const;
  });
  return Object.fromEntries(entries) as Record<MemoryLevel, BandwidthPoint>;
}

/** A pair of adjacent levels out of order: the faster level measured no faster than the slower one. */
export interface Misordered {
  faster: MemoryLevel;
  slower: MemoryLevel;
  direction: 'read' | 'write';
  fasterGBps: number;
  slowerGBps: number;
}

/** The adjacent pairs not ordered L1 > L2 > L3 > DRAM, in reads or in writes; empty on a sound measurement. */
export function misorderedLevels(
  bandwidth: Record<MemoryLevel, Pick<BandwidthPoint, 'readGBps' | 'writeGBps'>>,
): Misordered[] {
  const out: Misordered[] = [];
  for (let k = 0; k + 1 < MEMORY_LEVELS.length; k++) {
    const faster = MEMORY_LEVELS[k]!;
    const slower = MEMORY_LEVELS[k + 1]!;
    for (const direction of ['read', 'write'] as const) {
      const key = direction === 'read' ? 'readGBps' : 'writeGBps';
      const fasterGBps = bandwidth[faster][key];
      const slowerGBps = bandwidth[slower][key];
      if (!(fasterGBps > slowerGBps)) out.push({ faster, slower, direction, fasterGBps, slowerGBps });
    }
  }
  return out;
}

/** A misordered pair in words: "L1 reads 93.1 GB/s, no faster than L2's 94.0 GB/s". */
export function misorderedText(m: Misordered): string {
  const verb = m.direction === 'read' ? 'reads' : 'writes';
  const gbps = (value: number) => `${value.toFixed(1)} GB/s`;
  return `${m.faster} ${verb} ${gbps(m.fasterGBps)}, no faster than ${m.slower}'s ${gbps(m.slowerGBps)}`;
}
