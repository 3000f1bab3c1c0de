// Grid-size sweeps: every selected strategy at log-spaced square sizes n × n
// (over the domain asked for, [-2, 2]² by default) in a range the user picks, one record per point, with the physical floor beside them. A
// point the memory guard refuses becomes a 'refused' entry with the bytes it
// needed — a sweep is exactly how a student finds where memory explodes, so
// that is a result, never a crash. Runs one at a time, reports progress and
// stops at the signal, keeping what it measured.

import type { DType } from '../core/dtype.js';
import type { BackendName } from '../backends/backend.js';
import { CancelledError } from '../backends/backend.js';
import { loadBackends } from '../backends/registry.js';
import { APP_GRID_LIMITS } from '../limits.js';
import { MemoryGuardError, memoryCap } from '../strategies/memoryGuard.js';
import { itemSize } from '../core/dtype.js';
import { DEFAULT_REPEATS, defaultBackend, guardRequest, runStrategy, strategyAvailability } from '../strategies/run.js';
import { measureLimit } from '../strategies/limit.js';
import { recordsToCsv } from '../report/csv.js';
import type { MachineInfo } from '../report/machine.js';
import { DEFAULT_FORMULA, GRID_RANGE, type RunRecord, type StrategyName } from '../strategies/types.js';

export interface SweepRequest {
  /** Smallest and largest grid side, inclusive. */
  nMin: number;
  nMax: number;
  /** How many log-spaced sizes between them (fewer when sizes round to the same integer). */
  points: number;
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

export type SweepEntry =
  | { kind: 'record'; strategy: StrategyName | 'limit'; n: number; record: RunRecord }
  | { kind: 'refused'; strategy: StrategyName; n: number; ny?: number; neededBytes: number; availableBytes: number; message: string }
  | { kind: 'skipped'; strategy: StrategyName; n: number; reason: string };

export interface SweepProgress {
  /** Points finished (runs, refusals and skips), and how many there are in all. */
  done: number;
  total: number;
  /** 0..1 over the whole sweep, counting the run in progress. */
  fraction: number;
  n: number;
  strategy: StrategyName | 'limit';
}

export interface SweepResult {
  sizes: number[];
  dtype: DType;
  /** The backend single-device strategies ran on. */
  backend: BackendName;
  /** The formula as the records carry it (the lesson's f when none was asked for). */
  formula: string;
  /** The domain every point's grid covered. */
  xRange: [number, number];
  yRange: [number, number];
  strategies: StrategyName[];
  entries: SweepEntry[];
  /** For each strategy that stopped fitting: the first n the guard refused. */
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

function isCancelled(error: unknown, signal?: AbortSignal): boolean {
  return error instanceof CancelledError || (signal?.aborted ?? false);
}

export async function runSweep(request: SweepRequest, options: SweepOptions = {}): Promise<SweepResult> {
  const sizes = sweepSizes(request.nMin, request.nMax, request.points);
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
  const lastTime = new Map<StrategyName, { n: number; ms: number }>();
  const failed = new Map<StrategyName, { n: number; message: string }>();
  const total = sizes.length * (strategies.length + (withLimit ? 1 : 0));
  let done = 0;
  const formula = request.formula ?? DEFAULT_FORMULA;
  const xRange = request.xRange ?? GRID_RANGE;
  const yRange = request.yRange ?? GRID_RANGE;

  const result = (cancelled: boolean): SweepResult => ({
    sizes,
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

  for (const n of sizes) {
    // The floor writes n² values: at a size no buffer of that fits, there is no floor to time.
    if (withLimit) {
      if (signal?.aborted) return result(true);
      onProgress({ done, total, fraction: done / total, n, strategy: 'limit' });
      const fits = n * n * itemSize(dtype) <= memoryCap(request.memoryCapBytes);
      const limit = fits ? await measureLimit({ nx: n, ny: n, xRange, yRange }, dtype) : null;
      if (limit) add({ kind: 'record', strategy: 'limit', n, record: limit });
      else done++;
    }
    for (const strategy of strategies) {
      if (signal?.aborted) return result(true);
      onProgress({ done, total, fraction: done / total, n, strategy });
      const status = availability.get(strategy);
      if (!status?.available) {
        add({ kind: 'skipped', strategy, n, reason: status?.reason ?? `unknown strategy '${strategy}'` });
        continue;
      }
      const runRequest = {
        strategy,
        n,
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
        add({ kind: 'refused', strategy, n, neededBytes: error.neededBytes, availableBytes: error.availableBytes, message: error.message });
        continue;
      }
      const failure = failed.get(strategy);
      if (failure) {
        add({ kind: 'skipped', strategy, n, reason: `it failed at n = ${failure.n}: ${failure.message}` });
        continue;
      }
      const previous = lastTime.get(strategy);
      if (previous) {
        const predictedMs = previous.ms * (n / previous.n) ** 2;
        if (predictedMs > budgetMs) {
          add({
            kind: 'skipped',
            strategy,
            n,
            reason: `predicted to take about ${formatDuration(predictedMs)} (its calls took ${formatDuration(previous.ms)} at n = ${previous.n}, and time grows as n²), over the sweep's ${formatDuration(budgetMs)} per point`,
          });
          continue;
        }
      }
      try {
        const { record } = await runStrategy(runRequest, {
          ...(signal ? { signal } : {}),
          onProgress: (p) => onProgress({ done, total, fraction: (done + p.fraction) / total, n, strategy }),
        });
        // What grows as n²: the calls (first and repeats) and the reference check, about one more call.
        // Not the point's whole wall time: at small n that is compile and setup, which do not grow,
        // and scaling them by n² skipped vmap at n = 1000 after n = 10 as "about 5 min".
        // The repeats asked for, not those timed: quick calls are timed until 25 ms add up (timing.ts).
        lastTime.set(strategy, { n, ms: record.medianMs * ((request.repeats ?? DEFAULT_REPEATS) + 2) });
        add({ kind: 'record', strategy, n, record });
      } catch (error) {
        if (isCancelled(error, signal)) return result(true);
        if (error instanceof MemoryGuardError) {
          firstRefused[strategy] ??= n;
          add({ kind: 'refused', strategy, n, neededBytes: error.neededBytes, availableBytes: error.availableBytes, message: error.message });
          continue;
        }
        // One strategy failing (a lost GPU, say) is that strategy's result; the others go on.
        const message = error instanceof Error ? error.message : String(error);
        failed.set(strategy, { n, message });
        add({ kind: 'skipped', strategy, n, reason: `it failed: ${message}` });
      }
    }
  }
  onProgress({ done, total, fraction: 1, n: sizes.at(-1)!, strategy: strategies.at(-1)! });
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
    const ny = e.ny ?? e.n;
    return [
      {
        strategy: e.strategy,
        n: e.n,
        nx: e.n,
        ny,
        xRange: result.xRange ?? [GRID_RANGE[0], GRID_RANGE[1]],
        yRange: result.yRange ?? [GRID_RANGE[0], GRID_RANGE[1]],
        dtype: result.dtype,
        backend: result.backend,
        devices: 0,
        shape: e.strategy === 'naive' ? [e.n] : [e.n, ny],
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
