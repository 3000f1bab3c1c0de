// What Live knows of a strategy before it has run at the user's grid: a
// deliberately pessimistic first guess, replaced at launch by the engine's
// calibration (each strategy timed on two tiny grids: a fixed cost per call
// plus a cost per point). Pure data and functions, no state and no shell.

import type { CalibrationResult, StrategyName } from '../../../main/contract';
import type { Measurement } from './livePlan';

export type LiveKey = StrategyName | 'limit';

/**
 * A deliberately pessimistic first guess of what a strategy costs, used until
 * it has been calibrated or measured on this machine: per point of one call and the
 * compile part of the first call; and, measured or not, the work per point
 * outside the timed calls (the reference check) and the fixed cost a record
 * does not show (a peer's Python process and its imports).
 */
export const FIRST_GUESS: Record<
  LiveKey,
  { callNsPerPoint: number; compileMs: number; overheadNsPerPoint: number; startMs: number }
> = {
  loops: { callNsPerPoint: 1500, compileMs: 50, overheadNsPerPoint: 20, startMs: 0 },
  naive: { callNsPerPoint: 2, compileMs: 40, overheadNsPerPoint: 5, startMs: 0 },
  meshgrid: { callNsPerPoint: 10, compileMs: 5, overheadNsPerPoint: 20, startMs: 0 },
  'meshgrid-eager': { callNsPerPoint: 60, compileMs: 60, overheadNsPerPoint: 20, startMs: 0 },
  vmap: { callNsPerPoint: 10, compileMs: 10, overheadNsPerPoint: 20, startMs: 0 },
  pmap: { callNsPerPoint: 10, compileMs: 20, overheadNsPerPoint: 20, startMs: 0 },
  gpu: { callNsPerPoint: 10, compileMs: 200, overheadNsPerPoint: 20, startMs: 0 },
  // The peers start Python and import NumPy or JAX for every run: never within the live budget, so Run times them.
  numpy: { callNsPerPoint: 20, compileMs: 0, overheadNsPerPoint: 20, startMs: 1000 },
  'jax-vmap': { callNsPerPoint: 20, compileMs: 300, overheadNsPerPoint: 20, startMs: 2000 },
  'jax-pmap': { callNsPerPoint: 20, compileMs: 300, overheadNsPerPoint: 20, startMs: 2000 },
  limit: { callNsPerPoint: 5, compileMs: 5, overheadNsPerPoint: 0, startMs: 0 },
};

export function firstGuess(key: LiveKey): Measurement {
  const guess = FIRST_GUESS[key];
  const callMs = guess.callNsPerPoint * 1e-6;
  return { points: 1, callMs, firstMs: guess.compileMs + callMs, overheadNsPerPoint: guess.overheadNsPerPoint };
}

/**
 * Each calibrated strategy as a measurement at the larger of its tiny grids,
 * with its fixed cost: what predictRunMs scales to the user's grid.
 */
export function calibratedMeasurements(
  result: CalibrationResult,
): { strategy: StrategyName; measurement: Measurement }[] {
  return result.strategies.flatMap(({ strategy, fixedMs, nsPerPoint, compileMs, samples }) => {
    const largest = samples.reduce((a, b) => (b.points > a.points ? b : a), samples[0]!);
    if (!largest) return [];
    const callMs = fixedMs + (nsPerPoint * largest.points) / 1e6;
    const measurement: Measurement = {
      points: largest.points,
      callMs,
      firstMs: callMs + compileMs,
      overheadNsPerPoint: FIRST_GUESS[strategy].overheadNsPerPoint,
      fixedMs,
      calibrated: true,
    };
    return [{ strategy, measurement }];
  });
}
