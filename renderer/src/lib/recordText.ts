// What the comparison chart says about a record in words: its grid's size,
// where it was measured, and its check against the float64 reference (the
// lesson's allclose). Pure functions of a record.

import type { RunRecord } from '../../../main/contract';
import { formatError } from './format';

/** A record's check against the reference, in a word and in a sentence. */
export interface ReferenceCheck {
  ok: boolean;
  short: string;
  text: string;
}

/** A grid's size in words: n = 300 for a square, 300 × 200 otherwise. */
export const gridSize = (g: { nx: number; ny: number }): string =>
  g.nx === g.ny
    ? `n = ${g.nx.toLocaleString('en-US')}`
    : `${g.nx.toLocaleString('en-US')} × ${g.ny.toLocaleString('en-US')}`;

/** Where a record was measured: grid, domain, dtype and formula. */
export const measuredAt = (r: RunRecord): string =>
  `measured at ${gridSize(r)} over [${r.xRange.join(', ')}] × [${r.yRange.join(', ')}], ${r.dtype}, f = ${r.formula}`;

/** A run to a number against the same reduction of the float64 reference (naive's diagonal is wrong). */
function answerCheck(record: RunRecord): ReferenceCheck {
  const relative = record.reduce === 'sum' || record.reduce === 'mean';
  const error = `${relative ? 'relative error' : 'error'} ${formatError(record.error ?? record.maxAbsErr)}`;
  const note = record.note ? `; ${record.note}` : '';
  return record.allclose
    ? { ok: true, short: 'allclose', text: `the ${record.reduce} matches the float64 reference's: ${error}` }
    : {
        ok: false,
        short: 'wrong',
        text: `the ${record.reduce} is not the float64 reference's (${record.reference ?? 'none'}): ${error}${note}`,
      };
}

/** The lesson's allclose(result, reference), in a word and in a sentence. */
export function referenceCheck(record: RunRecord): ReferenceCheck {
  if (record.shapeError) return { ok: false, short: 'shape error', text: `TypeError: ${record.shapeError}` };
  if (record.reduce !== undefined && record.reduce !== 'grid') return answerCheck(record);
  if (record.shape.length !== 2) {
    return {
      ok: false,
      short: 'shape',
      text: `wrong shape: [${record.shape.join(', ')}] instead of [${record.nx}, ${record.ny}]`,
    };
  }
  const { nan, posInf, negInf } = record.nonFinite;
  const placed = record.nonFiniteMatch
    ? 'every NaN and ±inf is where the reference has one'
    : 'some NaN or ±inf values are not where the reference has them';
  if (!record.allclose && nan > 0) {
    // NumPy's allclose with equal_nan=False, its default: a NaN matches nothing, not even a NaN.
    return {
      ok: false,
      short: 'NaN ≠ NaN',
      text:
        `allclose is false: ${nan.toLocaleString('en-US')} NaN values, and NaN never equals NaN ` +
        `(equal_nan=False, NumPy's default); ${placed}`,
    };
  }
  const infinities =
    posInf + negInf > 0
      ? `; ${(posInf + negInf).toLocaleString('en-US')} ±inf values, each equal to the reference's`
      : '';
  return record.allclose
    ? {
        ok: true,
        short: 'allclose',
        text: `matches the float64 reference: max |err| ${formatError(record.maxAbsErr)}${infinities}`,
      }
    : {
        ok: false,
        short: formatError(record.maxAbsErr),
        text:
          `differs from the reference by up to ` +
          `${formatError(record.maxAbsErr)}${posInf + negInf > 0 ? `; ${placed}` : ''}`,
      };
}
