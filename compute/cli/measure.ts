// Running the strategies a command asked for on one grid, then the physical
// floor beside them: what run and bench share. A strategy unavailable here
// is an error when the user named it and a skipped row otherwise; a run the
// memory guard refuses is an error (run) or a row (bench). Measures; prints
// only status and progress lines.

import {
  type BackendName,
  type DType,
  type RunRecord,
  type StrategyName,
  DEFAULT_FORMULA,
  MemoryGuardError,
  RunRequestError,
  runStrategy,
  strategyAvailability,
} from '../index.js';
import { measureLimit } from '../strategies/limit.js';
import { defaultBackend } from '../strategies/run.js';
import type { RefusedRun, SkippedRun } from '../report/jsonExport.js';
import { writeNpy } from '../report/npy.js';
import { type GridOptions, type RunOptions, gridLabel, gridSpec } from './args.js';
import type { Session } from './session.js';

/** What a command measured: records (the floor among them), and the runs refused or skipped, with why. */
export interface Results {
  records: RunRecord[];
  refused: RefusedRun[];
  skipped: SkippedRun[];
  dtype: DType;
  backend: BackendName;
  formula: string;
  /** The domain, for the CSV's refused rows (records carry their own). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

/** The fields of Results that say what every run shared: dtype, the backend that ran, the formula. */
export function resultsContext(options: RunOptions): Pick<Results, 'dtype' | 'backend' | 'formula'> {
  return {
    dtype: options.dtype,
    backend: options.backend ?? defaultBackend(),
    formula: options.formula ?? DEFAULT_FORMULA,
  };
}

/** Where run --npy writes the grid, and, once written, whose grid it is. */
export interface NpyTarget {
  path: string;
  written?: string;
}

/**
 * Runs each strategy on the grid, then the floor. `explicit`: the user named
 * these strategies, so one that cannot run is an error; otherwise it is
 * skipped with a status line. `refusalsAreRows`: a run the memory guard
 * refuses is a result (bench) rather than an error (run).
 */
export async function runStrategies(
  session: Session,
  strategies: readonly StrategyName[],
  gridOptions: GridOptions,
  options: RunOptions,
  { explicit, refusalsAreRows, npy }: { explicit: boolean; refusalsAreRows: boolean; npy?: NpyTarget },
): Promise<Pick<Results, 'records' | 'refused' | 'skipped'>> {
  const { nx, ny } = gridOptions;
  const label = gridLabel(gridOptions);
  const availability = await strategyAvailability(options.backend);
  const records: RunRecord[] = [];
  const refused: RefusedRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const strategy of strategies) {
    const status = availability.find((a) => a.strategy === strategy);
    if (status && !status.available) {
      if (explicit) throw new RunRequestError(`${strategy} is unavailable: ${status.reason}`);
      session.status(`skipping ${strategy}: ${status.reason}`);
      skipped.push({ strategy, nx, ny, reason: status.reason ?? 'unavailable' });
      continue;
    }
    const keepGrid = npy !== undefined && npy.written === undefined;
    try {
      const { record, grid } = await runStrategy(
        { strategy, ...gridOptions, ...options },
        {
          signal: session.signal,
          keepGrid,
          onProgress: (p) => session.progress(`${strategy} ${label}: ${p.phase} ${Math.round(p.fraction * 100)}%`),
        },
      );
      session.progressDone();
      records.push(record);
      if (grid) {
        try {
          if (npy && grid.shape.length === 2) {
            await writeNpy(
              npy.path,
              { dtype: grid.dtype, shape: grid.shape, data: grid.data, offset: grid.offset, strides: grid.strides },
              { signal: session.signal },
            );
            npy.written = `${strategy}, ${grid.dtype}, shape (${grid.shape.join(', ')})`;
          }
        } finally {
          grid.dispose();
        }
      }
    } catch (error) {
      session.progressDone();
      if (!(refusalsAreRows && error instanceof MemoryGuardError)) throw error;
      refused.push({
        strategy,
        nx,
        ny,
        neededBytes: error.neededBytes,
        availableBytes: error.availableBytes,
        message: error.message,
      });
    }
  }
  // The floor writes nx·ny values itself: measured only beside a strategy that ran on this grid.
  if (records.length && (options.reduce ?? 'grid') === 'grid') {
    const limit = await measureLimit(gridSpec(gridOptions), options.dtype);
    if (limit) records.push(limit);
  }
  return { records, refused, skipped };
}
