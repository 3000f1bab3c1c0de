// How long Run would take, before it starts: each strategy's predicted wall
// time (Live's per-strategy costs, liveCosts.svelte.ts) and, for a run to a
// number — whose grid may reach 10⁵ × 10⁵ points, where loops alone would
// take hours — which strategies are skipped for being over Run's time limit,
// with the reason in words. Pure: predictions in, a plan out.

import type { StrategyName } from '../../../main/contract';
import { formatWait } from './livePlan';

/** A strategy predicted to take longer than this is skipped, not run, when the output is a number. */
export const RUN_TIME_LIMIT_MS = 10 * 60_000;
/** From this predicted total, Run says beforehand how long it will take. */
export const LONG_RUN_MS = 3_000;

export interface TimedStrategy {
  strategy: StrategyName;
  predictedMs: number;
}

export interface RunTimePlan {
  /** What Run will time, in the order given, with each prediction. */
  run: TimedStrategy[];
  /** What it skips, with the reason shown. */
  skipped: (TimedStrategy & { message: string })[];
  /** The run's predicted wall time, all that it runs together. */
  predictedMs: number;
}

/**
 * Splits the strategies by their predicted time against `limitMs` (Infinity:
 * none is skipped). A prediction that is not a number is not a reason to
 * skip: nothing is known, and Run is how it becomes known.
 */
export function planRunTime(
  strategies: readonly StrategyName[],
  predictedMs: (strategy: StrategyName) => number,
  limitMs: number,
): RunTimePlan {
  const plan: RunTimePlan = { run: [], skipped: [], predictedMs: 0 };
  for (const strategy of strategies) {
    const ms = predictedMs(strategy);
    if (ms > limitMs) {
      plan.skipped.push({
        strategy,
        predictedMs: ms,
        message: `predicted ${formatWait(ms)}, over Run's limit of ${formatWait(limitMs)}: a smaller grid runs it`,
      });
    } else {
      plan.run.push({ strategy, predictedMs: ms });
      if (Number.isFinite(ms)) plan.predictedMs += ms;
    }
  }
  return plan;
}

/** What Run says before it starts: "Run predicts about 2 min: vmap about 60 s, pmap about 40 s". */
export function predictionText(plan: RunTimePlan): string {
  const each = plan.run.map((s) => `${s.strategy} ${formatWait(s.predictedMs)}`).join(', ');
  return `Run predicts ${formatWait(plan.predictedMs)}${each ? `: ${each}` : ''}`;
}
