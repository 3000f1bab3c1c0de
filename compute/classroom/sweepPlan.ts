// A sweep's plan: what a sweep asks for (SweepRequest), what it yields
// (entries, progress, the result), and the grids it will run — log-spaced
// sizes of nx, with ny held, following an aspect nx : ny, or square — checked
// before anything runs. Pure: it measures nothing and loads no backend.

import type { DType } from '../core/dtype.js';
import type { Grid } from '../core/grid.js';
import type { BackendName } from '../backends/backend.js';
import { APP_GRID_LIMITS, ENGINE_MAX_N } from '../limits.js';
import type { RunRecord, StrategyName } from '../strategies/types.js';

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

/** A sweep point's size: the domain, dtype and formula are the whole sweep's, so a point carries only nx × ny. */
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
  if (ny !== undefined && aspect !== undefined)
    throw new SweepRequestError(
      `give ny (held while nx is swept) or aspect (nx : ny held), not both; got ny = ${ny} and aspect = ${aspect}`,
    );
  if (ny !== undefined && (!Number.isInteger(ny) || ny < 1 || ny > ENGINE_MAX_N))
    throw new SweepRequestError(`ny must be an integer from 1 to ${ENGINE_MAX_N}, got ${ny}`);
  if (aspect !== undefined && !(Number.isFinite(aspect) && aspect > 0))
    throw new SweepRequestError(`aspect (nx : ny) must be a number above 0, got ${aspect}`);
  const grids = sweepSizes(request.nMin, request.nMax, request.points).map((nx) => ({
    nx,
    ny: ny ?? (aspect !== undefined ? Math.max(1, Math.round(nx / aspect)) : nx),
  }));
  const tooLong = grids.find((g) => g.ny > ENGINE_MAX_N);
  if (tooLong)
    throw new SweepRequestError(
      `aspect ${aspect} makes ny = ${tooLong.ny} at nx = ${tooLong.nx}, over the engine's largest side ` +
        `${ENGINE_MAX_N}; use an aspect of at least ${tooLong.nx / ENGINE_MAX_N}`,
    );
  return grids;
}

/** "n = 80" when square, "2000 × 500" otherwise: how the sweep's reasons and progress name a point. */
export function sweepGridText({ nx, ny }: SweepGrid): string {
  return nx === ny ? `n = ${nx}` : `${nx} × ${ny}`;
}
