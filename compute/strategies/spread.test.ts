import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { squareGrid } from './grid.js';
import { CONTENDED_CPU_FRACTION, noisyVerdict, quantile, spreadOf } from './spread.js';
import { runStrategy } from './run.js';
import { timeCalls } from './timing.js';
import { NDArray } from '../core/ndarray.js';
import { compileFormula } from '../formula/index.js';

function numpyPercentiles(values: number[]): number[] | null {
  try {
    const script =
      'import json, sys, numpy as np; v = json.load(sys.stdin); print(json.dumps([float(np.percentile(v, 25)), float(np.percentile(v, 50)), float(np.percentile(v, 75)), float(np.std(v, ddof=1))]))';
    return JSON.parse(
      execFileSync('python3', ['-c', script], { input: JSON.stringify(values) }).toString(),
    ) as number[];
  } catch {
    return null;
  }
}

describe('the spread of timed samples', () => {
  it('is the median, quartiles and sample standard deviation as NumPy computes them', () => {
    const samples = [5, 1, 4, 2, 3, 10, 7, 8];
    const spread = spreadOf(samples);
    expect(spread).toMatchObject({ medianMs: 4.5, minMs: 1, maxMs: 10 });
    // numpy.percentile([1,2,3,4,5,7,8,10], [25, 75]) = [2.75, 7.25]
    expect(spread.iqrMs).toBeCloseTo(4.5, 12);
    const expected = numpyPercentiles(samples);
    if (expected) {
      expect(
        quantile(
          [...samples].sort((a, b) => a - b),
          0.25,
        ),
      ).toBeCloseTo(expected[0]!, 12);
      expect(spread.medianMs).toBeCloseTo(expected[1]!, 12);
      expect(spread.iqrMs).toBeCloseTo(expected[2]! - expected[0]!, 12);
      expect(spread.stddevMs).toBeCloseTo(expected[3]!, 12);
    }
  });

  it('has no spread for one sample and is NaN for none', () => {
    expect(spreadOf([3])).toEqual({ medianMs: 3, minMs: 3, maxMs: 3, iqrMs: 0, stddevMs: 0 });
    expect(Number.isNaN(spreadOf([]).medianMs)).toBe(true);
  });
});

describe('whether a run is noisy', () => {
  it('is noisy when the IQR is over 20% of the median, and says by how much', () => {
    expect(noisyVerdict({ medianMs: 10, iqrMs: 1.9 })).toEqual({ noisy: false });
    expect(noisyVerdict({ medianMs: 10, iqrMs: 3.4 })).toEqual({
      noisy: true,
      noisyReason: 'IQR is 34% of the median (over 20%)',
    });
  });

  it('is noisy when the process had well under its threads’ share of the CPU', () => {
    const tight = { medianMs: 10, iqrMs: 0.1 };
    expect(noisyVerdict(tight, { cpuMs: 98, wallMs: 100, threads: 1 }).noisy).toBe(false);
    expect(noisyVerdict(tight, { cpuMs: 190, wallMs: 100, threads: 2 }).noisy).toBe(false);
    const oneThread = noisyVerdict(tight, { cpuMs: 52, wallMs: 100, threads: 1 });
    expect(oneThread).toEqual({
      noisy: true,
      noisyReason: 'the machine was busy: CPU time was 52% of wall time × 1 thread (under 75%)',
    });
    // Two threads each had the CPU only part of the time: 110 ms of CPU in 100 ms of wall is 55% of 2 threads.
    expect(noisyVerdict(tight, { cpuMs: 110, wallMs: 100, threads: 2 }).noisyReason).toMatch(
      /55% of wall time × 2 threads/,
    );
    expect(noisyVerdict({ medianMs: 10, iqrMs: 5 }, { cpuMs: 10, wallMs: 100, threads: 1 }).noisyReason).toMatch(
      /^IQR is 50% .*; the machine was busy/,
    );
  });

  it('does not judge contention from a few milliseconds of CPU accounting', () => {
    expect(noisyVerdict({ medianMs: 1, iqrMs: 0 }, { cpuMs: 0, wallMs: 2, threads: 1 }).noisy).toBe(false);
  });

  it('catches a run that shared its core: a sleeping call has wall time but no CPU time', async () => {
    // A call that waits instead of computing is what a descheduled thread looks like from inside.
    expect(CONTENDED_CPU_FRACTION).toBeLessThan(1);
    const outcome = await timeCalls(
      {
        grid: squareGrid(2),
        dtype: 'float32',
        backend: 'js',
        formula: compileFormula('x'),
        repeats: 3,
        devices: 0,
        progress: () => {},
      },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return NDArray.empty([2, 2], 'float32');
      },
    );
    outcome.grid.dispose();
    const wallMs = outcome.repeatMs.reduce((a, b) => a + b, 0);
    const verdict = noisyVerdict(spreadOf(outcome.repeatMs), { cpuMs: outcome.cpuMs!, wallMs, threads: 1 });
    expect(verdict.noisyReason).toMatch(/the machine was busy/);
  });
});

describe('a run record', () => {
  it('carries every timed sample with their IQR and standard deviation, and the median of the same samples', async () => {
    const { record } = await runStrategy({ strategy: 'vmap', n: 16, dtype: 'float64', backend: 'js', repeats: 5 });
    expect(record.samplesMs.length).toBe(record.repeats);
    expect(record.samplesMs.length).toBeGreaterThanOrEqual(5);
    const spread = spreadOf(record.samplesMs);
    expect(record).toMatchObject({
      medianMs: spread.medianMs,
      minMs: spread.minMs,
      maxMs: spread.maxMs,
      iqrMs: spread.iqrMs,
      stddevMs: spread.stddevMs,
    });
    expect(typeof record.noisy).toBe('boolean');
    expect(record.noisy).toBe(record.noisyReason !== undefined);
  });
});
