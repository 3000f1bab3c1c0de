// What each reduction means, written once: the accumulator every CPU path
// starts from, how one value joins it, and how partial results (one per
// thread, per device, per slice of a run) combine. Sums keep a float64
// accumulator with Neumaier's compensation, so a float32 or float64 sum is
// at least as accurate as NumPy's pairwise np.sum; max and min propagate
// NaN as NumPy does, and the arg forms keep the first index of the extreme
// (the first NaN, if any), as np.argmax.

import type { ReductionPrimitive } from './primitives.js';

/** A running reduction: value, compensation (sums) and the index of the extreme (-1: none yet). */
export interface Partial {
  value: number;
  compensation: number;
  index: number;
}

export function emptyPartial(kind: ReductionPrimitive): Partial {
  const value = kind === 'reduce_sum' ? 0 : kind === 'reduce_max' || kind === 'argmax' ? -Infinity : Infinity;
  return { value, compensation: 0, index: -1 };
}

/** Whether `value` at `index` replaces the running extreme (greater for max, smaller for min; the first NaN wins). */
export function replaces(greater: boolean, best: Partial, value: number, index: number): boolean {
  if (best.index < 0) return true;
  if (best.value !== best.value) return value !== value && index < best.index;
  if (value !== value) return true;
  if (value === best.value) return index < best.index;
  return greater ? value > best.value : value < best.value;
}

/** Joins a partial (a value at an index, or a compensated sum) into `into`. */
export function combine(kind: ReductionPrimitive, into: Partial, value: number, index: number, compensation = 0): void {
  if (kind === 'reduce_sum') {
    for (const y of [value, compensation]) {
      const t = into.value + y;
      into.compensation += Math.abs(into.value) >= Math.abs(y) ? into.value - t + y : y - t + into.value;
      into.value = t;
    }
    return;
  }
  if (index < 0) return;
  if (replaces(kind === 'reduce_max' || kind === 'argmax', into, value, index)) {
    into.value = value;
    into.index = index;
  }
}

/**
 * The reduction's result from its accumulator: the sum, the extreme, or its index. A sum that reached an
 * infinity or NaN is that (its compensation, inf − inf, means nothing), as NumPy's np.sum([1, inf]) is inf.
 */
export function finish(kind: ReductionPrimitive, partial: Partial): number {
  if (kind === 'reduce_sum')
    return Number.isFinite(partial.value) ? partial.value + partial.compensation : partial.value;
  if (kind === 'argmax' || kind === 'argmin') return partial.index;
  return partial.value;
}

/** The reduction of a list of numbers, in order: the reference the backends are tested against. */
export function reduceValues(kind: ReductionPrimitive, values: ArrayLike<number>): number {
  const acc = emptyPartial(kind);
  for (let i = 0; i < values.length; i++) combine(kind, acc, values[i]!, i);
  return finish(kind, acc);
}
