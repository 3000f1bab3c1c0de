import { describe, expect, it } from 'vitest';
import { ThreadScalingError, threadCounts, threadScalingLines } from './threadScaling.js';

describe('thread scaling', () => {
  it('takes distinct thread counts within the pool, always with the 1-thread baseline', () => {
    expect(threadCounts('2', 2)).toEqual([1, 2]);
    expect(threadCounts('4,1,2,2', 8)).toEqual([1, 2, 4]);
    expect(() => threadCounts('3', 2)).toThrow(ThreadScalingError);
    expect(() => threadCounts('1,x', 2)).toThrow(/positive whole numbers/);
  });

  it('prints each speed-up against its own 1-thread time, beside the ideal', () => {
    const lines = threadScalingLines(6000, 'float32', [
      { threads: 1, pmapMs: 20, kernelMs: 16, floorMs: 8 },
      { threads: 2, pmapMs: 10, kernelMs: 10, floorMs: 8 },
    ]);
    expect(lines.at(-1)).toMatch(/^ {2}2 .*10\.0 ms 2\.00×.*10\.0 ms 1\.60×.*8\.00 ms 1\.00×.*2\.00×$/);
  });

  it('heads the table with the grid: n = N when square, nx × ny otherwise', () => {
    const points = [{ threads: 1, pmapMs: 2, kernelMs: 2, floorMs: 1 }];
    expect(threadScalingLines(64, 'float64', points)[0]).toBe('\nthread scaling, n = 64 (float64): speed-up over 1 thread');
    expect(threadScalingLines({ nx: 48, ny: 20 }, 'float32', points)[0]).toBe('\nthread scaling, 48 × 20 (float32): speed-up over 1 thread');
  });
});
