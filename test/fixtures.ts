// Test fixtures shared by suites: a well-formed run record of an n × n grid
// over [-2, 2]², every field the contract requires, for tests that need a
// record without running anything. Test tooling only.

import type { RunRecord } from '../compute/strategies/types.js';

/** A record of `strategy` at n × n, every timed call `medianMs`; `overrides` replace any field. */
export function recordFixture(
  strategy: RunRecord['strategy'],
  n = 80,
  medianMs = 0.5,
  overrides: Partial<RunRecord> = {},
): RunRecord {
  return {
    strategy,
    nx: n,
    ny: n,
    xRange: [-2, 2],
    yRange: [-2, 2],
    dtype: 'float32',
    backend: 'js',
    devices: 1,
    shape: [n, n],
    firstMs: medianMs,
    medianMs,
    minMs: medianMs,
    maxMs: medianMs,
    repeats: 3,
    samplesMs: [medianMs, medianMs, medianMs],
    iqrMs: 0,
    stddevMs: 0,
    noisy: false,
    peakBytes: n * n * 4,
    predictedBytes: n * n * 4,
    maxAbsErr: 0,
    allclose: true,
    nonFinite: { nan: 0, posInf: 0, negInf: 0 },
    nonFiniteMatch: true,
    formula: 'x + y',
    outputBuffer: 'recycled',
    ...overrides,
  };
}
