// The record's fields when a run's output is a number: the value, where it
// is (max, min), the same reduction of the float64 reference — computed by
// the fused map-reduce in float64, so a reference at 10¹⁰ points needs no
// memory either, and kept per grid and formula for the strategies that
// follow — and the error against it. Naive's number is the diagonal's: it is
// never close, whatever it happens to be.

import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { jit } from '../transforms/jit.js';
import { backendStatus } from '../backends/registry.js';
import type { CompiledFormula } from '../formula/index.js';
import { type AnswerMode, answerFunction, locate, packAnswer } from './answer.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import { TOLERANCES } from './reference.js';
import type { GridSpec, RunAnswer, RunRecord } from './types.js';

type Where = NonNullable<RunAnswer['at']>;

const references = new Map<string, { value: number; index: number }>();
const REFERENCES_KEPT = 16;

/** The float64 reference's [value, index], fused (nothing stored), once per grid, formula and mode. */
async function referenceAnswer(mode: AnswerMode, grid: GridSpec, formula: CompiledFormula, signal?: AbortSignal) {
  const key = JSON.stringify([mode, grid, formula.text]);
  const known = references.get(key);
  if (known) return known;
  const backend = backendStatus('native').available ? 'native' : 'js';
  const fn = jit(answerFunction(gridOverAxes(gridFunction(formula)), mode), { backend });
  const [x, y] = gridAxes(grid, 'float64');
  try {
    const packed = packAnswer((await fn.run([x, y], signal ? { signal } : {})) as NDArray[]);
    const result = { value: packed.data[0]!, index: packed.data[1]! };
    packed.dispose();
    if (references.size >= REFERENCES_KEPT) references.delete(references.keys().next().value!);
    references.set(key, result);
    return result;
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** Grid point (i, j) and its coordinates, as linspace places them. */
function where(grid: GridSpec, i: number, j: number): Where {
  const at = (k: number, n: number, [lo, hi]: readonly [number, number]) =>
    n === 1 ? lo : k === n - 1 ? hi : lo + (k * (hi - lo)) / (n - 1);
  return { i, j, x: at(i, grid.nx, grid.xRange), y: at(j, grid.ny, grid.yRange) };
}

export interface AnswerCheck {
  fields: Pick<RunRecord, 'reduce' | 'value' | 'at' | 'reference' | 'referenceAt' | 'error' | 'integral'>;
  maxAbsErr: number;
  allclose: boolean;
  nonFinite: RunRecord['nonFinite'];
  nonFiniteMatch: boolean;
}

/** A strategy's [value, index] against the float64 reference. `diagonal`: naive's vector, whose index i is (i, i). */
export async function checkAnswer(
  answer: NDArray,
  mode: AnswerMode,
  grid: GridSpec,
  dtype: DType,
  formula: CompiledFormula,
  options: { diagonal: boolean; signal?: AbortSignal },
): Promise<AnswerCheck> {
  const value = answer.data[0]!;
  const index = answer.data[1]!;
  const reference = await referenceAnswer(mode, grid, formula, options.signal);
  const extreme = mode === 'max' || mode === 'min';
  const placed = (k: number) => {
    const { i, j } = options.diagonal ? { i: k, j: k } : locate(k, grid.ny);
    return where(grid, i, j);
  };
  const relative = mode === 'sum' || mode === 'mean';
  const diff = Math.abs(value - reference.value);
  const error = relative ? diff / Math.max(Math.abs(reference.value), Number.MIN_VALUE) : diff;
  const { rtol, atol } = TOLERANCES[dtype];
  const close =
    diff <= atol + rtol * Math.abs(reference.value) || (Number.isNaN(value) && Number.isNaN(reference.value));
  const area = (grid.xRange[1] - grid.xRange[0]) * (grid.yRange[1] - grid.yRange[0]);
  return {
    fields: {
      reduce: mode,
      value,
      ...(extreme && index >= 0 ? { at: placed(index) } : {}),
      reference: reference.value,
      ...(extreme && reference.index >= 0 ? { referenceAt: where(grid, ...ijOf(reference.index, grid.ny)) } : {}),
      error,
      ...(mode === 'mean' ? { integral: value * area } : {}),
    },
    maxAbsErr: diff,
    allclose: close && !options.diagonal,
    nonFinite: {
      nan: Number.isNaN(value) ? 1 : 0,
      posInf: value === Infinity ? 1 : 0,
      negInf: value === -Infinity ? 1 : 0,
    },
    nonFiniteMatch: Number.isFinite(value) === Number.isFinite(reference.value),
  };
}

function ijOf(index: number, ny: number): [number, number] {
  const { i, j } = locate(index, ny);
  return [i, j];
}
