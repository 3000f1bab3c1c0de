// A lesson step, run: its experiment (stepExperiments.ts) on this machine,
// then its text (lessonText.ts) filled with what it measured. The one place
// that joins the two, and the progress a step reports while it runs.

import type { DType } from '../core/dtype.js';
import { loadBackends } from '../backends/registry.js';
import { runStrategy } from '../strategies/run.js';
import { GRID_RANGE, type GridSpec, type ReduceMode, type RunRecord, type StrategyName } from '../strategies/types.js';
import { LESSON_EN, fillStep, findStep, type Lesson, type LessonValue } from './lessonText.js';
import { RUNS_PER_STEP, STEP_EXPERIMENTS, type StepContext } from './stepExperiments.js';
import type { LessonStepId } from './lessonSteps.js';

export interface LessonStepOptions {
  /** Run at this side instead of the step's own (tests use small grids). */
  n?: number;
  dtype?: DType;
  /** Default: the lesson's f. */
  formula?: string;
  /**
   * The lab's grid. Its domain is where every step runs; its nx × ny is what
   * the naive and meshgrid steps show a rectangular grid doing (naive's shape
   * error, meshgrid 'xy' giving (ny, nx)). The steps' timed runs keep their
   * lecture sizes. Default: the step's n × n over [-2, 2]².
   */
  grid?: GridSpec;
  repeats?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { fraction: number; strategy: string }) => void;
}

export interface LessonStepResult {
  id: LessonStepId;
  /** 0-based position in the lesson. */
  index: number;
  n: number;
  dtype: DType;
  /** The raw figures: numbers, text, and the flags the sentences test. */
  values: Record<string, LessonValue>;
  /** Every value formatted for the sentences. */
  figures: Record<string, string>;
  /** The step's sentences that apply, filled in. */
  sentences: string[];
  /** The figure to show big, and its unit in words (absent when the step could not measure it). */
  headline?: { value: string; unit: string };
  /** Every record the step measured. */
  records: RunRecord[];
}

/** Runs one step's experiments and fills its sentences with the figures. */
export async function runLessonStep(
  which: number | LessonStepId,
  options: LessonStepOptions = {},
  lesson: Lesson = LESSON_EN,
): Promise<LessonStepResult> {
  await loadBackends();
  const { step, index } = findStep(which, lesson);
  const n = options.n ?? step.n;
  const dtype = options.dtype ?? 'float32';
  const grid: GridSpec = options.grid ?? { nx: n, ny: n, xRange: GRID_RANGE, yRange: GRID_RANGE };
  const records: RunRecord[] = [];
  const planned = Math.max(1, RUNS_PER_STEP[step.id]);
  let started = 0;
  const runAt = async (
    strategy: StrategyName,
    keepGrid: boolean,
    size: Pick<GridSpec, 'nx' | 'ny'>,
    reduce?: ReduceMode,
  ) => {
    const before = started++;
    const result = await runStrategy(
      {
        strategy,
        nx: size.nx,
        ny: size.ny,
        xRange: grid.xRange,
        yRange: grid.yRange,
        dtype,
        ...(reduce ? { reduce } : {}),
        ...(options.formula !== undefined ? { formula: options.formula } : {}),
        // The compile step needs a second call to compare with the first.
        ...(options.repeats !== undefined
          ? { repeats: step.id === 'compile' ? Math.max(1, options.repeats) : options.repeats }
          : {}),
      },
      {
        keepGrid,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => options.onProgress?.({ fraction: Math.min(1, (before + p.fraction) / planned), strategy }),
      },
    );
    records.push(result.record);
    return result;
  };
  const context: StepContext = {
    n,
    grid,
    dtype,
    formula: options.formula,
    repeats: options.repeats,
    signal: options.signal,
    run: (strategy, keepGrid = false, sideN = n) => runAt(strategy, keepGrid, { nx: sideN, ny: sideN }),
    runOn: (strategy, size) => runAt(strategy, false, size),
    runReduced: (strategy, reduce, sideN) => runAt(strategy, false, { nx: sideN, ny: sideN }, reduce),
  };
  const values = await STEP_EXPERIMENTS[step.id](context);
  options.onProgress?.({ fraction: 1, strategy: step.id });
  return { id: step.id, index, n, dtype, values, ...fillStep(step, values, lesson.locale), records };
}
