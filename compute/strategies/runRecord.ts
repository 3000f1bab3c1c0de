// The record of one run, assembled from what the strategy measured (its outcome), the check against the float64
// reference, and the request as resolved; and the record of a run that raised a shape error, which is the lesson's
// result for naive on nx ≠ ny, not a crash. Pure assembly: it measures nothing.

import type { NDArray } from '../core/ndarray.js';
import { getBackend } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import type { ShapeError } from '../core/shape.js';
import { noisyVerdict, quantile, spreadOf } from './spread.js';
import { gridFields } from './grid.js';
import type { ResolvedRequest } from './resolve.js';
import type { StrategyOutcome } from './strategy.js';
import type { AnswerCheck } from './answerRecord.js';
import type { RunRecord } from './types.js';

/** The reference check's verdict on the grid (or the answer's), as the record carries it. */
export interface CheckVerdict {
  maxAbsErr: number;
  allclose: boolean;
  nonFinite: RunRecord['nonFinite'];
  nonFiniteMatch: boolean;
}

/** What the strategy measured and the check found, as one record (not yet placed on the roofline). */
export function measuredRecord(
  resolved: ResolvedRequest,
  outcome: StrategyOutcome,
  measured: { grid: NDArray; peakBytes: number | null; predictedBytes: number; check: CheckVerdict },
  answer: Pick<AnswerCheck, 'fields'> | null,
): RunRecord {
  const { strategy, grid: spec, dtype, backend, formula } = resolved;
  const { grid, peakBytes, predictedBytes, check } = measured;
  const samplesMs = [...outcome.repeatMs];
  // With no repeats asked for, the first call is the only figure there is.
  const spread = spreadOf(samplesMs.length ? samplesMs : [outcome.firstMs]);
  const backendRan = outcome.backend ?? backend;
  const devicesUsed = outcome.devices ?? 1;
  const wallMs = samplesMs.reduce((a, b) => a + b, 0);
  // A GPU run waits on the device, so its CPU time says nothing about contention.
  const cpu =
    outcome.cpuMs !== undefined && backendRan !== 'webgpu'
      ? { cpuMs: outcome.cpuMs, wallMs, threads: devicesUsed }
      : undefined;
  return {
    strategy: strategy.name,
    ...gridFields(spec),
    dtype,
    backend: backendRan,
    devices: devicesUsed,
    shape: answer ? [] : [...grid.shape],
    firstMs: outcome.firstMs,
    medianMs: spread.medianMs,
    minMs: spread.minMs,
    maxMs: spread.maxMs,
    repeats: outcome.repeatMs.length,
    samplesMs,
    iqrMs: spread.iqrMs,
    stddevMs: spread.stddevMs,
    ...noisyVerdict(spread, cpu),
    ...(peakBytes === null ? {} : { peakBytes }),
    predictedBytes,
    maxAbsErr: check.maxAbsErr,
    allclose: check.allclose,
    nonFinite: check.nonFinite,
    nonFiniteMatch: check.nonFiniteMatch,
    formula: formula.text,
    outputBuffer: outcome.outputBuffer,
    ...medianTimings(outcome),
    ...(outcome.deviceName ? { deviceName: outcome.deviceName } : {}),
    ...(backendRan === 'native' ? (getBackend('native') as NativeBackend).simdOf(dtype) : {}),
    // A backend that computes in another dtype (WGSL has no float64) returns that dtype: the record says so.
    // A number travels as a float64 [value, index] pair whatever it was computed in: only the outcome can say.
    ...(outcome.computedDtype || (!answer && grid.dtype !== dtype)
      ? { computedDtype: outcome.computedDtype ?? grid.dtype }
      : {}),
    ...(outcome.note ? { note: outcome.note } : {}),
    ...(outcome.peerVersions ? { peerVersions: outcome.peerVersions } : {}),
    ...answer?.fields,
  };
}

/** The record of a run that raised a shape error: the failing call's time, nothing computed, never allclose. */
export function shapeErrorRecord(
  resolved: ResolvedRequest,
  error: ShapeError,
  failedMs: number,
  peakBytes: number,
  predictedBytes: number,
): RunRecord {
  const { strategy, grid, dtype, backend, formula } = resolved;
  return {
    strategy: strategy.name,
    ...gridFields(grid),
    dtype,
    backend,
    devices: 1,
    shape: [],
    shapeError: error.message,
    firstMs: failedMs,
    medianMs: failedMs,
    minMs: failedMs,
    maxMs: failedMs,
    repeats: 0,
    samplesMs: [],
    iqrMs: 0,
    stddevMs: 0,
    noisy: false,
    peakBytes,
    predictedBytes,
    maxAbsErr: Number.NaN,
    allclose: false,
    nonFinite: { nan: 0, posInf: 0, negInf: 0 },
    nonFiniteMatch: true,
    formula: formula.text,
    outputBuffer: 'fresh',
    note:
      `x has shape (${grid.nx},) and y (${grid.ny},): elementwise f(x, y) cannot pair them, as in JAX; ` +
      'the grid needs meshgrid or vmap',
  };
}

function medianTimings(outcome: { timings?: { uploadMs?: number; kernelMs?: number; readbackMs?: number }[] }) {
  const out: Pick<RunRecord, 'uploadMs' | 'kernelMs' | 'readbackMs'> = {};
  for (const key of ['uploadMs', 'kernelMs', 'readbackMs'] as const) {
    const values = (outcome.timings ?? []).map((t) => t[key]).filter((v): v is number => v !== undefined);
    if (values.length)
      out[key] = quantile(
        values.sort((a, b) => a - b),
        0.5,
      );
  }
  return out;
}
