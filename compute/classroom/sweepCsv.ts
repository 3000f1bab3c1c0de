// A sweep as CSV, in the same columns as single runs (report/csv.ts): each
// measured record a row, and each refused point a row too, so the file shows
// where memory ran out. Writes text only; runs nothing.

import { recordsToCsv } from '../report/csv.js';
import type { MachineInfo } from '../report/machine.js';
import { GRID_RANGE, type RunRecord } from '../strategies/types.js';
import type { SweepResult } from './sweepPlan.js';

/**
 * CSV of a sweep in the same columns as single runs. A refused point is a row
 * too — its predicted_bytes the bytes it needed, its times and peak empty
 * (nan), its note the guard's message — so the file shows where memory ran out.
 */
export function sweepToCsv(
  result: Pick<SweepResult, 'entries' | 'dtype' | 'backend' | 'formula'> &
    Partial<Pick<SweepResult, 'xRange' | 'yRange'>>,
  machine: MachineInfo,
): string {
  const rows = result.entries.flatMap((e): RunRecord[] => {
    if (e.kind === 'record') return [e.record];
    if (e.kind === 'skipped') return [];
    const { nx, ny } = e;
    return [
      {
        strategy: e.strategy,
        nx,
        ny,
        xRange: result.xRange ?? [GRID_RANGE[0], GRID_RANGE[1]],
        yRange: result.yRange ?? [GRID_RANGE[0], GRID_RANGE[1]],
        dtype: result.dtype,
        backend: result.backend,
        devices: 0,
        shape: e.strategy === 'naive' ? [nx] : [nx, ny],
        firstMs: NaN,
        medianMs: NaN,
        minMs: NaN,
        maxMs: NaN,
        repeats: 0,
        samplesMs: [],
        iqrMs: NaN,
        stddevMs: NaN,
        noisy: false,
        peakBytes: NaN,
        predictedBytes: e.neededBytes,
        maxAbsErr: NaN,
        allclose: false,
        nonFinite: { nan: 0, posInf: 0, negInf: 0 },
        nonFiniteMatch: false,
        formula: result.formula,
        outputBuffer: 'fresh',
        note: `refused by the memory guard: ${e.message}`,
      },
    ];
  });
  return recordsToCsv(rows, machine);
}
