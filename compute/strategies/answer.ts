// The lab's output when it is a number rather than the grid: max or min of f
// (with where it is), its sum, or its mean. A strategy's answer travels as a
// small float64 array [value, flat index] (index NaN for sum and mean), so
// the timing and disposal machinery (timing.ts) is the grid's. Fused
// strategies jit answerFunction, so the map is never stored; the others build
// their grid and reduce it inside the timed call (answerOfGrid).

import { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import { argmax, argmin, max, mean, min, sum } from '../ops.js';
import type { ReduceMode, StrategyName } from './types.js';

/**
 * What a run to a number holds beside its inputs: the reductions' 0-d outputs, partials and the [value, index] pair.
 */
export const ANSWER_BYTES = 256;

/** Strategies that reach a number without storing the grid: a running value (loops) or a fused map-reduce. */
export const FUSED_TO_A_NUMBER: readonly StrategyName[] = ['loops', 'vmap', 'pmap', 'gpu'];

export type AnswerMode = Exclude<ReduceMode, 'grid'>;

/** Whether a request's output is a number. */
export function isAnswer(mode: ReduceMode | undefined): mode is AnswerMode {
  return mode !== undefined && mode !== 'grid';
}

/** The reduction of z a mode asks for: max and min with their flat index (one pass: fuse.ts shares it). */
export function reduceOutputs(z: Value, mode: AnswerMode): Value[] {
  switch (mode) {
    case 'max':
      return [max(z), argmax(z)];
    case 'min':
      return [min(z), argmin(z)];
    case 'sum':
      return [sum(z)];
    case 'mean':
      return [mean(z)];
  }
}

/** f over the grid, then the mode's reduction: what the fused strategies jit. */
export function answerFunction(grid: (x: Value, y: Value) => Value, mode: AnswerMode): (x: Value, y: Value) => Value[] {
  return (x, y) => reduceOutputs(grid(x, y), mode);
}

/** [value, index] from a reduction's outputs (0-d arrays or numbers); the outputs are disposed. */
export function packAnswer(outputs: readonly (Value | NDArray)[]): NDArray {
  const read = (v: Value | NDArray | undefined): number =>
    v === undefined ? NaN : typeof v === 'number' ? v : (v as NDArray).item();
  const answer = NDArray.from([read(outputs[0]), read(outputs[1])], 'float64');
  for (const v of outputs) if (v instanceof NDArray) v.dispose();
  return answer;
}

/**
 * The answer from a grid the strategy built (meshgrid, the eager one, naive's vector, the GPU's): reduced, then freed.
 */
export function answerOfGrid(grid: NDArray, mode: AnswerMode): NDArray {
  try {
    return packAnswer(reduceOutputs(grid, mode));
  } finally {
    grid.dispose();
  }
}

/** Where a flat index of the nx × ny grid is: i (the row, along x) and j (along y). */
export function locate(index: number, ny: number): { i: number; j: number } {
  return { i: Math.floor(index / ny), j: index % ny };
}
