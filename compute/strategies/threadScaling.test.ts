import { describe, expect, it } from 'vitest';
import { useMachineProfile } from '../machine/store.js';
import type { MachineProfile } from '../machine/types.js';
import {
  ThreadScalingError,
  defaultThreadCounts,
  threadCounts,
  threadScalingFit,
  threadScalingLines,
} from './threadScaling.js';

describe('thread scaling', () => {
  it('takes distinct thread counts, always with the 1-thread baseline, past the pool up to 8× (devices sharing cores)', () => {
    expect(threadCounts('2', 2)).toEqual([1, 2]);
    expect(threadCounts('4,1,2,2', 8)).toEqual([1, 2, 4]);
    expect(threadCounts('3', 2)).toEqual([1, 3]);
    expect(() => threadCounts('17', 2)).toThrow(ThreadScalingError);
    expect(() => threadCounts('1,x', 2)).toThrow(/positive whole numbers/);
  });

  it('prints each speed-up against its own 1-thread time, beside the ideal', () => {
    const lines = threadScalingLines(6000, 'float32', [
      { threads: 1, pmapMs: 20, kernelMs: 16, floorMs: 8 },
      { threads: 2, pmapMs: 10, kernelMs: 10, floorMs: 8 },
    ]);
    expect(lines.at(-2)).toMatch(/^ {2}2 .*10\.0 ms 2\.00×.*10\.0 ms 1\.60×.*8\.00 ms 1\.00×.*2\.00×$/);
  });

  it('heads the table with the grid: n = N when square, nx × ny otherwise', () => {
    const points = [{ threads: 1, pmapMs: 2, kernelMs: 2, floorMs: 1 }];
    expect(threadScalingLines(64, 'float64', points)[0]).toBe(
      '\nthread scaling, n = 64 (float64): speed-up over 1 thread',
    );
    expect(threadScalingLines({ nx: 48, ny: 20 }, 'float32', points)[0]).toBe(
      '\nthread scaling, 48 × 20 (float32): speed-up over 1 thread',
    );
  });

  it('sweeps 1 … the cores, then on past them to twice the cores', () => {
    expect(defaultThreadCounts(2)).toEqual([1, 2, 4]);
    expect(defaultThreadCounts(4)).toEqual([1, 2, 3, 4, 8]);
    expect(defaultThreadCounts(1)).toEqual([1, 2]);
  });

  it("fits Amdahl's law to pmap on the cores alone, and marks the points where devices share them", () => {
    // pmap: 100 ms, 60 ms on 2 threads (serial fraction 0.2), 61 ms with 4 devices on those 2 cores.
    const points = [
      { threads: 1, pmapMs: 100, kernelMs: 80, floorMs: 10 },
      { threads: 2, pmapMs: 60, kernelMs: 45, floorMs: 9 },
      { threads: 4, pmapMs: 61, kernelMs: 45, floorMs: 9, sharesCores: true },
    ];
    expect(threadScalingFit(points, 2)!.serialFraction).toBeCloseTo(0.2, 10);
    const lines = threadScalingLines(6000, 'float32', points);
    expect(lines.find((l) => l.startsWith('  4 '))).toMatch(/devices share the cores$/);
    expect(lines.at(-1)).toBe(
      "  Amdahl's law fitted to pmap: serial fraction 20.0% (at most 5.0× on any number of threads; rms error 0.00×)",
    );
  });

  it('says, with a machine profile at hand, whether pmap on all cores is bound by DRAM write bandwidth', () => {
    const points = [
      { threads: 1, pmapMs: 20, kernelMs: 16, floorMs: 8 },
      { threads: 2, pmapMs: 16, kernelMs: 10, floorMs: 8 },
    ];
    // n = 6000, float32: 144 MB in 16 ms is 9 GB/s.
    useMachineProfile({ bandwidth: { DRAM: { writeGBps: 10 } } } as unknown as MachineProfile);
    try {
      expect(threadScalingLines(6000, 'float32', points).at(-1)).toBe(
        "  roofline: pmap on 2 threads writes 9.0 GB/s, 90% of DRAM's 10.0 GB/s — memory-bound: more threads cannot write faster than DRAM takes it",
      );
      useMachineProfile({ bandwidth: { DRAM: { writeGBps: 40 } } } as unknown as MachineProfile);
      expect(threadScalingLines(6000, 'float32', points).at(-1)).toMatch(
        /23% of DRAM's 40\.0 GB\/s — not memory-bound/,
      );
    } finally {
      useMachineProfile(null);
    }
  });
});
