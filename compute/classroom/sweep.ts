// Grid-size sweeps: every selected strategy at log-spaced sizes in a range
// the user picks — square n × n grids, or nx swept with ny held fixed or
// following nx at a fixed aspect nx : ny — over the domain asked for
// ([-2, 2]² by default), one record per point, with the physical floor beside them. A
// point the memory guard refuses becomes a 'refused' entry with the bytes it
// needed — a sweep is exactly how a student finds where memory explodes, so
// that is a result, never a crash. Runs one at a time, reports progress and
// stops at the signal, keeping what it measured. Its plan is sweepPlan.ts; its
// CSV, sweepCsv.ts.

import { CancelledError } from '../backends/backend.js';
import { loadBackends } from '../backends/registry.js';
import { MemoryGuardError, memoryCap } from '../strategies/memoryGuard.js';
import { itemSize } from '../core/dtype.js';
import { DEFAULT_REPEATS, defaultBackend, guardRequest, runStrategy, strategyAvailability } from '../strategies/run.js';
import { measureLimit } from '../strategies/limit.js';
import { DEFAULT_FORMULA, GRID_RANGE, type RunRecord, type StrategyName } from '../strategies/types.js';
import {
  DEFAULT_POINT_BUDGET_MS,
  SweepRequestError,
  sweepGridText,
  sweepGrids,
  type SweepEntry,
  type SweepGrid,
  type SweepProgress,
  type SweepRequest,
  type SweepResult,
} from './sweepPlan.js';

export interface SweepOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Each entry as soon as it exists, so a chart can draw while the sweep runs. */
  onEntry?: (entry: SweepEntry) => void;
}

function isCancelled(error: unknown, signal?: AbortSignal): boolean {
  return error instanceof CancelledError || (signal?.aborted ?? false);
}

export async function runSweep(request: SweepRequest, options: SweepOptions = {}): Promise<SweepResult> {
  const grids = sweepGrids(request);
  const sizes = grids.map((g) => g.nx);
  const strategies = [...new Set(request.strategies)];
  if (strategies.length === 0) throw new SweepRequestError('choose at least one strategy to sweep');
  const { signal, onEntry } = options;
  // A run's own fraction restarts with each phase (compile, repeats, check); the sweep's only grows.
  let shown = 0;
  const onProgress = (p: SweepProgress) => {
    shown = Math.max(shown, Math.min(1, p.fraction));
    options.onProgress?.({ ...p, fraction: shown });
  };
  const budgetMs = request.pointBudgetMs ?? DEFAULT_POINT_BUDGET_MS;
  const dtype = request.dtype ?? 'float32';
  const withLimit = request.limit ?? true;
  await loadBackends();
  const backend = request.backend ?? defaultBackend();

  const availability = new Map((await strategyAvailability(backend)).map((a) => [a.strategy, a]));
  const entries: SweepEntry[] = [];
  const firstRefused: SweepResult['firstRefused'] = {};
  const lastTime = new Map<StrategyName, { grid: SweepGrid; ms: number }>();
  const failed = new Map<StrategyName, { grid: SweepGrid; message: string }>();
  const total = grids.length * (strategies.length + (withLimit ? 1 : 0));
  let done = 0;
  const formula = request.formula ?? DEFAULT_FORMULA;
  const xRange = request.xRange ?? GRID_RANGE;
  const yRange = request.yRange ?? GRID_RANGE;

  const result = (cancelled: boolean): SweepResult => ({
    sizes,
    grids,
    dtype,
    backend,
    formula,
    xRange: [xRange[0], xRange[1]],
    yRange: [yRange[0], yRange[1]],
    strategies,
    entries,
    firstRefused,
    cancelled,
  });
  const add = (entry: SweepEntry) => {
    entries.push(entry);
    done++;
    onEntry?.(entry);
  };

  for (const grid of grids) {
    const { nx: n, ny } = grid;
    const at = { nx: n, ny };
    // The floor writes nx·ny values: at a size no buffer of that fits, there is no floor to time.
    if (withLimit) {
      if (signal?.aborted) return result(true);
      onProgress({ done, total, fraction: done / total, ...at, strategy: 'limit' });
      const fits = n * ny * itemSize(dtype) <= memoryCap(request.memoryCapBytes);
      const limit = fits ? await measureLimit({ nx: n, ny, xRange, yRange }, dtype) : null;
      if (limit) add({ kind: 'record', strategy: 'limit', ...at, record: limit });
      else done++;
    }
    for (const strategy of strategies) {
      if (signal?.aborted) return result(true);
      onProgress({ done, total, fraction: done / total, ...at, strategy });
      const status = availability.get(strategy);
      if (!status?.available) {
        add({ kind: 'skipped', strategy, ...at, reason: status?.reason ?? `unknown strategy '${strategy}'` });
        continue;
      }
      const runRequest = {
        strategy,
        nx: n,
        ny,
        xRange,
        yRange,
        dtype,
        ...(request.formula !== undefined ? { formula: request.formula } : {}),
        ...(request.repeats !== undefined ? { repeats: request.repeats } : {}),
        backend,
        ...(request.devices !== undefined ? { devices: request.devices } : {}),
        ...(request.memoryCapBytes !== undefined ? { memoryCapBytes: request.memoryCapBytes } : {}),
      };
      try {
        guardRequest(runRequest);
      } catch (error) {
        if (!(error instanceof MemoryGuardError)) throw error;
        firstRefused[strategy] ??= n;
        add({
          kind: 'refused',
          strategy,
          ...at,
          neededBytes: error.neededBytes,
          availableBytes: error.availableBytes,
          message: error.message,
        });
        continue;
      }
      const failure = failed.get(strategy);
      if (failure) {
        add({
          kind: 'skipped',
          strategy,
          ...at,
          reason: `it failed at ${sweepGridText(failure.grid)}: ${failure.message}`,
        });
        continue;
      }
      const previous = lastTime.get(strategy);
      if (previous) {
        const predictedMs = previous.ms * ((n * ny) / (previous.grid.nx * previous.grid.ny));
        if (predictedMs > budgetMs) {
          const grows = grids.every((g) => g.nx === g.ny) ? 'time grows as n²' : 'time grows with the points, nx·ny';
          add({
            kind: 'skipped',
            strategy,
            ...at,
            reason:
              `predicted to take about ${formatDuration(predictedMs)} (its calls took ` +
              `${formatDuration(previous.ms)} at ${sweepGridText(previous.grid)}, and ${grows}), over the sweep's ` +
              `${formatDuration(budgetMs)} per point`,
          });
          continue;
        }
      }
      try {
        const { record } = await runStrategy(runRequest, {
          ...(signal ? { signal } : {}),
          onProgress: (p) => onProgress({ done, total, fraction: (done + p.fraction) / total, ...at, strategy }),
        });
        // What grows as n² (as nx·ny): the calls (first and repeats) and the reference check, about one more call.
        // Not the point's whole wall time: at small n that is compile and setup, which do not grow,
        // and scaling them by n² skipped vmap at n = 1000 after n = 10 as "about 5 min".
        // The repeats asked for, not those timed: quick calls are timed until 25 ms add up (timing.ts).
        lastTime.set(strategy, { grid, ms: record.medianMs * ((request.repeats ?? DEFAULT_REPEATS) + 2) });
        add({ kind: 'record', strategy, ...at, record });
      } catch (error) {
        if (isCancelled(error, signal)) return result(true);
        if (error instanceof MemoryGuardError) {
          firstRefused[strategy] ??= n;
          add({
            kind: 'refused',
            strategy,
            ...at,
            neededBytes: error.neededBytes,
            availableBytes: error.availableBytes,
            message: error.message,
          });
          continue;
        }
        // One strategy failing (a lost GPU, say) is that strategy's result; the others go on.
        const message = error instanceof Error ? error.message : String(error);
        failed.set(strategy, { grid, message });
        add({ kind: 'skipped', strategy, ...at, reason: `it failed: ${message}` });
      }
    }
  }
  onProgress({ done, total, fraction: 1, nx: grids.at(-1)!.nx, ny: grids.at(-1)!.ny, strategy: strategies.at(-1)! });
  return result(false);
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toPrecision(3)} s`;
  return `${(ms / 60_000).toPrecision(3)} min`;
}

/** The measured records of a sweep (the floor included), in the order they were made. */
export function sweepRecords(result: Pick<SweepResult, 'entries'>): RunRecord[] {
  return result.entries.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
}
