// Live's calibration at launch: every available lab strategy timed on two
// tiny grids, a few warm calls each, so that the app can predict each
// strategy's time at any size before anything has been run at it — a fixed
// cost per call (dispatch, a thread pool's wake-up, a kernel launch) plus a
// cost per point. It checks nothing against the reference and keeps no grid:
// these are not measurements of the lesson, only a start for Live's
// predictions, and the whole calibration takes a few tens of milliseconds
// (the first call's compile aside). It never runs the Python peers (each
// starts a process) and never runs a grid larger than TINY_SIDES allow.

import type { DType } from '../core/dtype.js';
import { throwIfCancelled } from '../backends/backend.js';
import { compileFormula } from '../formula/index.js';
import { defaultBackend, loadFor } from './run.js';
import { findStrategy } from './index.js';
import { squareGrid } from './grid.js';
import type { Strategy } from './strategy.js';
import { pointsEvaluated } from './pointsEvaluated.js';
import { LAB_STRATEGY_NAMES, type LabStrategyName } from './types.js';

/** The two square sides timed per strategy; loops (about a microsecond a point) on smaller ones. */
const TINY_SIDES: Record<'loops' | 'other', readonly [number, number]> = { loops: [4, 12], other: [32, 128] };
/** Warm calls per size: the fastest is kept, the one least disturbed by other work. */
const WARM_CALLS = 2;

export interface CalibrationRequest {
  dtype: DType;
  formula: string;
  /** Which strategies; default every lab strategy this machine can run. */
  strategies?: LabStrategyName[];
}

/** One strategy's time per call, as a line through its two tiny grids: fixedMs + nsPerPoint · points / 1e6. */
export interface StrategyCalibration {
  strategy: LabStrategyName;
  /** What a call costs whatever its size, in ms (never below 0). */
  fixedMs: number;
  /** What each further point costs, in ns (never below 0). */
  nsPerPoint: number;
  /** The first call's extra cost (tracing and compilation), in ms. */
  compileMs: number;
  /** The sizes timed: points and the fastest warm call there. */
  samples: { points: number; callMs: number }[];
}

export interface CalibrationResult {
  dtype: DType;
  formula: string;
  strategies: StrategyCalibration[];
  /** What the whole calibration took, in ms. */
  elapsedMs: number;
}

/**
 * The line through two (points, ms) samples, held to non-negative costs: a noisy pair never predicts less than nothing.
 */
export function fitLine(
  a: { points: number; callMs: number },
  b: { points: number; callMs: number },
): { fixedMs: number; nsPerPoint: number } {
  const [small, large] = a.points <= b.points ? [a, b] : [b, a];
  if (large.points === small.points) return { fixedMs: 0, nsPerPoint: (Math.min(a.callMs, b.callMs) * 1e6) / a.points };
  // A larger grid that ran faster (noise): all its time is per point, none fixed.
  const slopeMsPerPoint = Math.max(0, (large.callMs - small.callMs) / (large.points - small.points));
  const perPoint = slopeMsPerPoint > 0 ? slopeMsPerPoint : large.callMs / large.points;
  const fixedMs = Math.max(0, small.callMs - perPoint * small.points);
  return { fixedMs, nsPerPoint: perPoint * 1e6 };
}

async function timeAt(strategy: Strategy, side: number, request: CalibrationRequest, signal?: AbortSignal) {
  const formula = compileFormula(request.formula);
  const outcome = await strategy.run({
    grid: squareGrid(side),
    dtype: request.dtype,
    backend: defaultBackend(strategy.name),
    formula,
    repeats: WARM_CALLS,
    minTimedMs: 0,
    devices: 0,
    ...(signal ? { signal } : {}),
    progress: () => undefined,
  });
  outcome.grid.dispose();
  const callMs = outcome.repeatMs.length ? Math.min(...outcome.repeatMs) : outcome.firstMs;
  return { points: pointsEvaluated(strategy.name, { nx: side, ny: side }), callMs, firstMs: outcome.firstMs };
}

/** Times each strategy on its two tiny grids; a strategy this machine cannot run is left out. */
export async function calibrate(request: CalibrationRequest, signal?: AbortSignal): Promise<CalibrationResult> {
  const names = request.strategies ?? LAB_STRATEGY_NAMES;
  await loadFor(names);
  const started = performance.now();
  const strategies: StrategyCalibration[] = [];
  for (const name of names) {
    throwIfCancelled(signal);
    const strategy = findStrategy(name);
    if (!strategy?.availability(defaultBackend(name)).available) continue;
    const [smallSide, largeSide] = TINY_SIDES[name === 'loops' ? 'loops' : 'other'];
    const small = await timeAt(strategy, smallSide, request, signal);
    const large = await timeAt(strategy, largeSide, request, signal);
    const { fixedMs, nsPerPoint } = fitLine(small, large);
    strategies.push({
      strategy: name,
      fixedMs,
      nsPerPoint,
      compileMs: Math.max(0, small.firstMs - small.callMs),
      samples: [small, large].map(({ points, callMs }) => ({ points, callMs })),
    });
  }
  return { dtype: request.dtype, formula: request.formula, strategies, elapsedMs: performance.now() - started };
}
