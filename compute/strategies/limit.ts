// The physical floor beside the strategies: the time to merely write n²
// outputs at this machine's memory bandwidth, measured by the backend that
// can (the native pool, all threads). Every strategy's time reads against it.

import type { DType } from '../core/dtype.js';
import { itemSize } from '../core/dtype.js';
import { getBackend, backendStatus, loadBackends } from '../backends/registry.js';
import type { RunRecord } from './types.js';

export async function measureLimit(n: number, dtype: DType, repeats = 5): Promise<RunRecord | null> {
  await loadBackends();
  if (!backendStatus('native').available) return null;
  const backend = getBackend('native');
  if (!backend.measureWriteFloor) return null;
  const { ms, devices } = await backend.measureWriteFloor(n * n, dtype, repeats);
  const bytes = n * n * itemSize(dtype);
  return {
    strategy: 'limit',
    n,
    dtype,
    backend: 'native',
    devices,
    shape: [n, n],
    firstMs: ms,
    medianMs: ms,
    minMs: ms,
    maxMs: ms,
    repeats,
    // The addon returns the floor's median only: one figure, no spread to judge.
    samplesMs: [ms],
    iqrMs: 0,
    stddevMs: 0,
    noisy: false,
    peakBytes: bytes,
    predictedBytes: bytes,
    maxAbsErr: 0,
    allclose: true,
    nonFinite: { nan: 0, posInf: 0, negInf: 0 },
    nonFiniteMatch: true,
    formula: '',
    outputBuffer: 'recycled',
    note: `writing n² values with ${devices} threads (streaming stores, no arithmetic): ${((bytes / (ms / 1000)) / 1e9).toFixed(1)} GB/s`,
  };
}
