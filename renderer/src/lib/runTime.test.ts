import { describe, expect, it } from 'vitest';
import type { StrategyName } from '../../../main/contract';
import { planRunTime, predictionText, RUN_TIME_LIMIT_MS } from './runTime';

const predicted: Partial<Record<StrategyName, number>> = {
  loops: 4 * 3600_000,
  vmap: 60_000,
  pmap: 40_000,
  gpu: Number.NaN,
};
const predict = (s: StrategyName) => predicted[s]!;

describe("Run's time plan", () => {
  it('skips what is predicted over the limit, with the prediction and the limit in words', () => {
    const plan = planRunTime(['loops', 'vmap', 'pmap'], predict, RUN_TIME_LIMIT_MS);
    expect(plan.run.map((s) => s.strategy)).toEqual(['vmap', 'pmap']);
    expect(plan.skipped).toEqual([
      {
        strategy: 'loops',
        predictedMs: 4 * 3600_000,
        message: "predicted about 4 h, over Run's limit of about 10 min: a smaller grid runs it",
      },
    ]);
    expect(plan.predictedMs).toBe(100_000);
    expect(predictionText(plan)).toBe('Run predicts about 2 min: vmap about 60 s, pmap about 40 s');
  });

  it('skips nothing without a limit, and never skips what it cannot predict', () => {
    expect(planRunTime(['loops', 'vmap'], predict, Infinity).skipped).toEqual([]);
    const unknown = planRunTime(['gpu', 'vmap'], predict, RUN_TIME_LIMIT_MS);
    expect(unknown.run.map((s) => s.strategy)).toEqual(['gpu', 'vmap']);
    expect(unknown.predictedMs).toBe(60_000);
  });
});
