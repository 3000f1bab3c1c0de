// The arithmetic of `npm run check:machine`: per-round ratios of two
// figures measured side by side, their median and spread, and whether the
// median sits within a tolerance of 1. Pure; the timing is checkMachine.ts's.

export interface RatioSummary {
  /** a / b, round by round, in the order measured. */
  ratios: number[];
  median: number;
  min: number;
  max: number;
  /** Whether the median ratio is within `tolerance` of 1 (0.25: between 0.75 and 1.25). */
  within: boolean;
  tolerance: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of no values is undefined: measure at least one round');
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** a[k] / b[k] for each round, summarized; the rounds must pair up. */
export function compareRounds(a: readonly number[], b: readonly number[], tolerance: number): RatioSummary {
  if (a.length !== b.length)
    throw new Error(`rounds do not pair up: ${a.length} figures against ${b.length}; measure both in every round`);
  const ratios = a.map((value, k) => value / b[k]!);
  const m = median(ratios);
  return {
    ratios,
    median: m,
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    within: Math.abs(m - 1) <= tolerance,
    tolerance,
  };
}

/** "0.93 (0.81–1.04 over 6 rounds), within 25%" */
export function ratioText(s: RatioSummary): string {
  const verdict = s.within ? 'within' : 'NOT within';
  const spread = `${s.min.toFixed(2)}–${s.max.toFixed(2)} over ${s.ratios.length} rounds`;
  return `${s.median.toFixed(2)} (${spread}), ${verdict} ${Math.round(s.tolerance * 100)}%`;
}
