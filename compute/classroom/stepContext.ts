// What every step's experiment is given and gives back (StepContext, Values), and the small helpers the steps share:
// a run that may not fit (its refusal is a figure), Python's way of writing a shape, two grids compared.

import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { allclose, maxAbsDiff } from '../core/allclose.js';
import { MemoryGuardError } from '../strategies/memoryGuard.js';
import { TOLERANCES } from '../strategies/reference.js';
import type { GridSpec, ReduceMode, RunRecord, StrategyName } from '../strategies/types.js';
import type { LessonValue } from './lessonText.js';

/**
 * What a step's experiment may use: the step's grid and settings, and a way to run a strategy that records what it
 * measured.
 */
export interface StepContext {
  n: number;
  /**
   * The lab's grid (see LessonStepOptions.grid in lesson.ts): the domain of every run, and the rectangular grid the
   * steps may show.
   */
  grid: GridSpec;
  dtype: DType;
  formula: string | undefined;
  repeats: number | undefined;
  signal: AbortSignal | undefined;
  /** Runs a strategy at the step's n (or the one given), over the grid's domain, reporting progress. */
  run(strategy: StrategyName, keepGrid?: boolean, n?: number): Promise<{ record: RunRecord; grid?: NDArray }>;
  /** Runs a strategy to a number (the grid's max, min, sum or mean) at side n, over the grid's domain. */
  runReduced(strategy: StrategyName, reduce: ReduceMode, n: number): Promise<{ record: RunRecord }>;
  /** Runs a strategy on nx × ny over the grid's domain (the grid itself freed). */
  runOn(strategy: StrategyName, size: Pick<GridSpec, 'nx' | 'ny'>): Promise<{ record: RunRecord }>;
}

export type Values = Record<string, LessonValue>;
export type StepExperiment = (context: StepContext) => Promise<Values>;

/** Runs a strategy that may not fit; a refusal is a figure, not an error. */
export async function fitting<T>(work: () => Promise<T>): Promise<{ ok: T } | { refusal: string }> {
  try {
    return { ok: await work() };
  } catch (error) {
    if (error instanceof MemoryGuardError) return { refusal: error.message };
    throw error;
  }
}

export const pythonShape = (shape: readonly number[]) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

export function compareGrids(a: NDArray, b: NDArray, dtype: DType): { allclose: boolean; maxDiff: number } {
  return { allclose: allclose(a, b, TOLERANCES[dtype]), maxDiff: maxAbsDiff(a, b) };
}
