import { describe, expect, it } from 'vitest';
import { pointsEvaluated } from './pointsEvaluated.js';
import { LAB_STRATEGY_NAMES, PEER_STRATEGY_NAMES } from './types.js';

describe('pointsEvaluated', () => {
  it('counts the diagonal for naive: min(nx, ny), not the grid', () => {
    expect(pointsEvaluated('naive', { nx: 100_000, ny: 100_000 })).toBe(100_000);
    expect(pointsEvaluated('naive', { nx: 300, ny: 200 })).toBe(200);
  });

  it('counts every point of the grid for every other strategy and the floor', () => {
    for (const strategy of [...LAB_STRATEGY_NAMES, ...PEER_STRATEGY_NAMES, 'limit' as const].filter(
      (s) => s !== 'naive',
    ))
      expect(pointsEvaluated(strategy, { nx: 300, ny: 200 }), strategy).toBe(60_000);
  });
});
