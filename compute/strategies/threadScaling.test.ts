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
});
