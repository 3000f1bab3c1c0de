// The physical floor beside the strategies: the time to merely write the
// grid's nx·ny outputs (non-zero, varying values, as the real output's) at this machine's memory bandwidth, measured by
// the backend that can (the native pool, all threads). Every strategy's time reads against it.

import type { DType } from '../core/dtype.js';
import { itemSize } from '../core/dtype.js';
import { getBackend, backendStatus, loadBackends } from '../backends/registry.js';
import type { GridSpec, RunRecord } from './types.js';
import { gridFields, gridSpecOf } from './grid.js';
import { placeOnRoofline } from '../machine/place.js';

/** The floor for a grid given as its side (square, default domain) or in full. */
export async function measureLimit(gridOrN: number | GridSpec, dtype: DType, repeats = 5): Promise<RunRecord | null> {
  const grid = gridSpecOf(gridOrN);
  const points = grid.nx * grid.ny;
  await loadBackends(['native']);
  if (!backendStatus('native').available) return null;
  const backend = getBackend('native');
  if (!backend.measureWriteFloor) return null;
  const { ms, devices } = await backend.measureWriteFloor(points, dtype, repeats);
  const bytes = points * itemSize(dtype);
  return placeOnRoofline(
    {
      strategy: 'limit',
      ...gridFields(grid),
      dtype,
      backend: 'native',
      devices,
      shape: [grid.nx, grid.ny],
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
      note:
        `writing nx·ny non-zero, varying values (as the output's are; zeros write faster on some platforms) with ` +
        `${devices} threads (streaming stores, no arithmetic): ${(bytes / (ms / 1000) / 1e9).toFixed(1)} GB/s`,
    },
    null,
  );
}
