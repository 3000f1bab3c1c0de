// What a live run may measure: how long each strategy would take at the new
// grid, predicted from its last measurement by the change in the number of
// grid points, and which of them fit the live budget. Pure functions, no
// state and no shell: the Live switch (live.svelte.ts) asks, this answers.
// A grid is counted in points (nx · ny), so rectangular grids drop in.

/** A strategy's figures from its last run, as the prediction needs them. */
export interface Measurement {
  /** Grid points it ran on (nx · ny). */
  points: number;
  /**
   * One warm call: the fastest timed (minMs), the one least disturbed by
   * other work on the machine; a busy moment scaled by the points would keep
   * a strategy out of the budget until Run.
   */
  callMs: number;
  /** The first call (tracing and compilation included). */
  firstMs: number;
  /**
   * The run's work outside its timed calls, per point: the check against the
   * float64 reference reads every one. (The renderer's own view of a run's
   * wall time is not used: on a shared machine its messages arrive in
   * bursts, and the gaps say more about the machine's load than the strategy.)
   */
  overheadNsPerPoint: number;
  /**
   * What a call costs whatever its size (dispatch, waking the threads, a
   * kernel launch), from Live's calibration at launch; the rest of callMs is
   * per point. Absent: all of it is per point.
   */
  fixedMs?: number;
  /** From Live's calibration on tiny grids, not from a record of a run. */
  calibrated?: boolean;
}

/** The engine times warm calls until this much is timed (compute/strategies/timing.ts's MIN_TIMED_MS). */
export const MIN_TIMED_MS = 25;

/** The number of points of a grid: nx · ny. */
export function pointsOf(grid: { nx: number; ny: number }): number {
  return grid.nx * grid.ny;
}

/**
 * A time measured on `fromPoints` grid points, predicted for `toPoints`: each
 * strategy does a fixed amount of work per point, so time scales with the
 * points (n² for square grids).
 */
export function scaleByPoints(ms: number, fromPoints: number, toPoints: number): number {
  if (!(fromPoints > 0) || !Number.isFinite(ms)) return Number.NaN;
  return (ms * toPoints) / fromPoints;
}

/**
 * Of a strategy's measurements, the one nearest `points` (by ratio): a small
 * grid's run says little about a large one (caches, a JIT not yet warm), so
 * the prediction starts from the closest size measured.
 */
export function nearestMeasurement(measurements: readonly Measurement[], points: number): Measurement | undefined {
  let best: Measurement | undefined;
  let bestDistance = Infinity;
  for (const m of measurements) {
    const distance = Math.abs(Math.log(m.points / points));
    if (distance <= bestDistance) {
      best = m;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * One call at `points`, from a measurement at another size: its fixed cost
 * kept, its per-point cost scaled. `roofNsPerPoint` is the least a point can
 * cost at that size (the roofline: its bytes over the bandwidth of the
 * level its working set lives in): a tiny grid measured in L1 says nothing
 * of DRAM.
 */
export function predictCallMs(last: Measurement, points: number, roofNsPerPoint = 0): number {
  const fixedMs = Math.min(last.fixedMs ?? 0, last.callMs);
  const perPointMs = scaleByPoints(last.callMs - fixedMs, last.points, 1);
  return fixedMs + points * Math.max(perPointMs, roofNsPerPoint * 1e-6);
}

/**
 * The wall time of running a strategy once more at `points`, with `repeats`
 * timed calls: the first call (its compile part kept, its call predicted by
 * predictCallMs), the timed calls (at least MIN_TIMED_MS of them, as the
 * engine does), and the overhead (its per-point part scaled).
 */
export function predictRunMs(last: Measurement, points: number, repeats: number, roofNsPerPoint = 0): number {
  const callMs = predictCallMs(last, points, roofNsPerPoint);
  const compileMs = Math.max(0, last.firstMs - last.callMs);
  const timedMs = repeats > 0 ? Math.max(repeats * callMs, Math.min(MIN_TIMED_MS, 1000 * callMs)) : 0;
  return compileMs + callMs + timedMs + (last.overheadNsPerPoint * points) / 1e6;
}

export interface Candidate<K extends string> {
  key: K;
  /** Predicted wall time of its run. */
  predictedMs: number;
}

export interface LivePlan<K extends string> {
  /** Those that fit the budget, in the order given. */
  run: K[];
  /** Those over it, with their prediction (what pressing Run would cost). */
  over: Candidate<K>[];
}

/**
 * Fills the budget cheapest first, so that as many bars as possible follow
 * the settings; what does not fit is left for the Run button. A prediction
 * that is not a number (nothing measured, no guess) never fits.
 */
export function planLiveRun<K extends string>(candidates: readonly Candidate<K>[], budgetMs: number): LivePlan<K> {
  const byCost = [...candidates].sort(
    (a, b) =>
      (Number.isFinite(a.predictedMs) ? a.predictedMs : Infinity) -
      (Number.isFinite(b.predictedMs) ? b.predictedMs : Infinity),
  );
  const fits = new Set<K>();
  let spentMs = 0;
  for (const { key, predictedMs } of byCost) {
    if (!Number.isFinite(predictedMs) || spentMs + predictedMs > budgetMs) continue;
    fits.add(key);
    spentMs += predictedMs;
  }
  return {
    run: candidates.filter((c) => fits.has(c.key)).map((c) => c.key),
    over: candidates.filter((c) => !fits.has(c.key)),
  };
}

/** How long pressing Run would take, in a few words: "about 40 s", "about 3 min". */
export function formatWait(ms: number): string {
  if (!Number.isFinite(ms)) return 'not measured yet';
  const s = ms / 1000;
  if (s < 1) return 'under a second';
  if (s < 90) return `about ${s < 10 ? Math.round(s) : Math.round(s / 5) * 5} s`;
  const min = s / 60;
  if (min < 90) return `about ${Math.round(min)} min`;
  return `about ${Math.round(min / 60)} h`;
}

/** How a strategy's bar stands against the current settings. */
export type BarState =
  /** measured at these settings */
  | { kind: 'current' }
  /** a live run is on its way */
  | { kind: 'measuring' }
  /** over the live budget: Run would take about this long */
  | { kind: 'over-budget'; predictedMs: number }
  /** from other settings, with Live off (or the memory guard refusing it) */
  | { kind: 'stale' };
