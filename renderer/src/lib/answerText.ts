// A run's number in words, when its output is one: the value (max and min
// with where they are, i, j and x, y; mean with mean × area ≈ ∫∫ f dx dy),
// the float64 reference and the error; and which record speaks for the
// current settings on the surface. Pure: records in, text out.

import type { RunRecord, RunSettings, StrategyName } from '../../../main/contract';
import { formatError, formatValue } from './format';
import { measures } from './liveGrid';

export interface AnswerText {
  /** "max f = 0.999999", "mean f = 0.1234". */
  value: string;
  /** max and min: "at i = 5, j = 7 (x = 0.1, y = -0.3)"; absent for sum and mean. */
  location?: string;
  /** mean only: "× area 16 ≈ ∫∫ f dx dy = 1.97". */
  integral?: string;
  /** "reference 1 (float64) · error 3.0e-8"; relative for sum and mean. */
  check: string;
}

/** The words of a record to a number; undefined for a record of the grid. */
export function answerText(record: RunRecord): AnswerText | undefined {
  const { reduce, value, reference, error, at, integral } = record;
  if (reduce === undefined || reduce === 'grid' || value === undefined) return undefined;
  const area = (record.xRange[1] - record.xRange[0]) * (record.yRange[1] - record.yRange[0]);
  // Sums and means grow with the grid: their error is relative (the engine's, answerRecord.ts).
  const errorWord = reduce === 'sum' || reduce === 'mean' ? 'relative error' : 'error';
  return {
    value: `${reduce} f = ${formatValue(value)}`,
    ...(at ? { location: `at i = ${at.i}, j = ${at.j} (x = ${formatValue(at.x)}, y = ${formatValue(at.y)})` } : {}),
    ...(integral !== undefined
      ? { integral: `× area ${formatValue(area)} ≈ ∫∫ f dx dy = ${formatValue(integral)}` }
      : {}),
    check:
      reference === undefined
        ? 'no reference'
        : `reference ${formatValue(reference)} (float64) · ${errorWord} ${formatError(error ?? NaN)}`,
  };
}

/**
 * The record whose number the surface shows for these settings: of the
 * strategies' latest records of these very settings and output, the first
 * (in the order given) that matches its reference; else the first at all.
 * naive's diagonal is never the grid's answer.
 */
export function currentAnswer(
  records: readonly (RunRecord | undefined)[],
  settings: RunSettings,
): RunRecord | undefined {
  const candidates = records.filter(
    (r): r is RunRecord =>
      r !== undefined &&
      r.strategy !== ('naive' satisfies StrategyName) &&
      r.value !== undefined &&
      (r.reduce ?? 'grid') === (settings.reduce ?? 'grid') &&
      measures(r, settings),
  );
  return candidates.find((r) => r.allclose) ?? candidates[0];
}
