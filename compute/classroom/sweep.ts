// Grid-size sweeps: every selected strategy at log-spaced sizes in a range
// the user picks — square n × n grids, or nx swept with ny held fixed or
// following nx at a fixed aspect nx : ny — over the domain asked for
// ([-2, 2]² by default), one record per point, with the physical floor beside them. A
// point the memory guard refuses becomes a 'refused' entry with the bytes it
// needed — a sweep is exactly how a student finds where memory explodes, so
// that is a result, never a crash. Runs one at a time, reports progress and
// stops at the signal, keeping what it measured.

import type { DType } from '../core/dtype.js';
import type { Grid } from '../core/grid.js';
import type { BackendName } from '../backends/backend.js';
import { CancelledError } from '../backends/backend.js';
import { loadBackends } from '../backends/registry.js';
import { APP_GRID_LIMITS, ENGINE_MAX_N } from '../limits.js';
import { MemoryGuardError, memoryCap } from '../strategies/memoryGuard.js';
import { itemSize } from '../core/dtype.js';
import { DEFAULT_REPEATS, defaultBackend, guardRequest, runStrategy, strategyAvailability } from '../strategies/run.js';
import { measureLimit } from '../strategies/limit.js';
import { recordsToCsv } from '../report/csv.js';
import type { MachineInfo } from '../report/machine.js';
import { DEFAULT_FORMULA, GRID_RANGE, type RunRecord, type StrategyName } from '../strategies/types.js';

export interface SweepRequest {
  /** Smallest and largest grid side, inclusive: nx, and ny too unless `ny` or `aspect` says otherwise. */
  nMin: number;
  nMax: number;
  /** How many log-spaced sizes between them (fewer when sizes round to the same integer). */
  points: number;
  /** Points along y, held at this while the sweep goes over nx (not with `aspect`). */
  ny?: number;
  /** nx : ny held at this while the sweep goes over nx: ny = nx / aspect, rounded, at least 1 (not with `ny`). */
  aspect?: number;
  strategies: StrategyName[];
  dtype?: DType;
  formula?: string;
  repeats?: number;
  backend?: BackendName;
  devices?: number;
  memoryCapBytes?: number;
  /** The domain of every point's grid; default GRID_RANGE, [-2, 2]. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Time the physical floor at each n too (where the native backend can). Default true. */
  limit?: boolean;
  /**
   * Skip a strategy's larger sizes once its next point is predicted (time
   * grows as n²) to take longer than this, in ms. Default 30 s: the loop
   * alone would otherwise take minutes at the top of a wide range.
   */
  pointBudgetMs?: number;
}

/** A sweep point's size: the sweep's domain, dtype and formula are the whole sweep's, so a point carries only nx × ny. */
export type SweepGrid = Pick<Grid, 'nx' | 'ny'>;

/** One point of a sweep, on its grid (nx the swept side). */
export type SweepEntry = SweepGrid &
  (
    | { kind: 'record'; strategy: StrategyName | 'limit'; record: RunRecord }
    | { kind: 'refused'; strategy: StrategyName; neededBytes: number; availableBytes: number; message: string }
    | { kind: 'skipped'; strategy: StrategyName; reason: string }
  );

export interface SweepProgress {
  /** Points finished (runs, refusals and skips), and how many there are in all. */
  done: number;
  total: number;
  /** 0..1 over the whole sweep, counting the run in progress. */
  fraction: number;
  /** The grid in progress. */
  nx: number;
  ny: number;
  strategy: StrategyName | 'limit';
}

export interface SweepResult {
  /** The swept side, nx, of each point in order. */
  sizes: number[];
  /** Each point's grid, nx × ny, in the same order (square where the request held no ny or aspect). */
  grids: SweepGrid[];
  dtype: DType;
  /** The backend single-device strategies ran on. */
  backend: BackendName;
  /** The formula as the records carry it (the lesson's f when none was asked for). */
  formula: string;
  /** The domain every point's grid covered. */
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  strategies: StrategyName[];
  entries: SweepEntry[];
  /** For each strategy that stopped fitting: the first n (nx) the guard refused. */
  firstRefused: Partial<Record<StrategyName, number>>;
  cancelled: boolean;
}

export interface SweepOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Each entry as soon as it exists, so a chart can draw while the sweep runs. */
  onEntry?: (entry: SweepEntry) => void;
}

export const DEFAULT_POINT_BUDGET_MS = 30_000;
export const MAX_SWEEP_POINTS = APP_GRID_LIMITS.sweepMaxPoints;

export class SweepRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepRequestError';
  }
}

/** Integer sizes spaced evenly in log n from nMin to nMax, both included, without repeats. */
export function sweepSizes(nMin: number, nMax: number, points: number): number[] {
  if (!Number.isInteger(nMin) || !Number.isInteger(nMax) || nMin < 1 || nMax < nMin) {
    throw new SweepRequestError(`the range must be integers with 1 ≤ from ≤ to, got ${nMin}..${nMax}`);
  }
  if (!Number.isInteger(points) || points < 1 || points > MAX_SWEEP_POINTS) {
    throw new SweepRequestError(`points must be an integer from 1 to ${MAX_SWEEP_POINTS}, got ${points}`);
  }
  if (points === 1 || nMin === nMax) return [nMax];
  const ratio = Math.log(nMax / nMin);
  const sizes = Array.from({ length: points }, (_, k) => Math.round(nMin * Math.exp((ratio * k) / (points - 1))));
  sizes[sizes.length - 1] = nMax;
  return [...new Set(sizes)];
}

/** Each point's grid: sweepSizes over nx, and ny the same, held at `ny`, or nx / `aspect` rounded (at least 1). */
export function sweepGrids(request: Pick<SweepRequest, 'nMin' | 'nMax' | 'points' | 'ny' | 'aspect'>): SweepGrid[] {
  const { ny, aspect } = request;
  if (ny !== undefined && aspect !== undefined) throw new SweepRequestError(`give ny (held while nx is swept) or aspect (nx : ny held), not both; got ny = ${ny} and aspect = ${aspect}`);
  if (ny !== undefined && (!Number.isInteger(ny) || ny < 1 || ny > ENGINE_MAX_N)) throw new SweepRequestError(`ny must be an integer from 1 to ${ENGINE_MAX_N}, got ${ny}`);
  if (aspect !== undefined && !(Number.isFinite(aspect) && aspect > 0)) throw new SweepRequestError(`aspect (nx : ny) must be a number above 0, got ${aspect}`);
  const grids = sweepSizes(request.nMin, request.nMax, request.points).map((nx) => ({ nx, ny: ny ?? (aspect !== undefined ? Math.max(1, Math.round(nx / aspect)) : nx) }));
  const tooLong = grids.find((g) => g.ny > ENGINE_MAX_N);
  if (tooLong) throw new SweepRequestError(`aspect ${aspect} makes ny = ${tooLong.ny} at nx = ${tooLong.nx}, over the engine's largest side ${ENGINE_MAX_N}; use an aspect of at least ${tooLong.nx / ENGINE_MAX_N}`);
  return grids;
}

/** "n = 80" when square, "2000 × 500" otherwise: how the sweep's reasons and progress name a point. */
export function sweepGridText({ nx, ny }: SweepGrid): string {
  return nx === ny ? `n = ${nx}` : `${nx} × ${ny}`;
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
        add({ kind: 'refused', strategy, ...at, neededBytes: error.neededBytes, availableBytes: error.availableBytes, message: error.message });
        continue;
      }
      const failure = failed.get(strategy);
      if (failure) {
        add({ kind: 'skipped', strategy, ...at, reason: `it failed at ${sweepGridText(failure.grid)}: ${failure.message}` });
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
            reason: `predicted to take about ${formatDuration(predictedMs)} (its calls took ${formatDuration(previous.ms)} at ${sweepGridText(previous.grid)}, and ${grows}), over the sweep's ${formatDuration(budgetMs)} per point`,
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
          add({ kind: 'refused', strategy, ...at, neededBytes: error.neededBytes, availableBytes: error.availableBytes, message: error.message });
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

/**
 * CSV of a sweep in the same columns as single runs. A refused point is a row
 * too — its predicted_bytes the bytes it needed, its times and peak empty
 * (nan), its note the guard's message — so the file shows where memory ran out.
 */
export function sweepToCsv(
  result: Pick<SweepResult, 'entries' | 'dtype' | 'backend' | 'formula'> & Partial<Pick<SweepResult, 'xRange' | 'yRange'>>,
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
