import { describe, expect, it } from 'vitest';
import { compareRounds, median, ratioText } from './compare.js';

describe("check:machine's comparison", () => {
  it('takes the median of per-round ratios, so one disturbed round does not decide', () => {
    const summary = compareRounds([20, 21, 10, 19], [20, 20, 20, 20], 0.25);
    expect(summary.ratios).toEqual([1, 1.05, 0.5, 0.95]);
    expect(summary.median).toBeCloseTo(0.975, 12);
    expect(summary.within).toBe(true);
    expect(ratioText(summary)).toBe('0.97 (0.50–1.05 over 4 rounds), within 25%');
  });

  it('fails a median outside the tolerance, on either side', () => {
    expect(compareRounds([13, 13, 13], [10, 10, 10], 0.25).within).toBe(false);
    expect(compareRounds([8.6, 8.6], [10, 10], 0.15).within).toBe(true);
    expect(compareRounds([8.4, 8.4], [10, 10], 0.15).within).toBe(false);
    expect(ratioText(compareRounds([8.4], [10], 0.15))).toMatch(/NOT within 15%/);
  });

  it('refuses rounds that do not pair up, and a median of nothing', () => {
    expect(() => compareRounds([1, 2], [1], 0.25)).toThrow(/2 figures against 1/);
    expect(() => median([])).toThrow(/at least one round/);
  });
});
