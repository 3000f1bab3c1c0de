// The lesson, step by step: the text lives in assets/lesson/<language>.json
// (titles, explanations, code in both languages, sentence templates), and
// this module runs a step's experiments on this machine and fills the
// templates with what it measured. A step's figures come from the engine's
// own records and errors — the pmap rule is shown by breaking it, not by
// quoting it. The text is data: nothing here writes a sentence a teacher
// would want to edit or translate.

import lessonEn from '../../assets/lesson/en.json' with { type: 'json' };
import type { DType } from '../core/dtype.js';
import { itemSize } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { linspace, meshgrid } from '../core/creation.js';
import { allclose, maxAbsDiff } from '../core/allclose.js';
import { devices, loadBackends } from '../backends/registry.js';
import { CancelledError } from '../backends/backend.js';
import { compileFormula } from '../formula/index.js';
import { MemoryGuardError, formatBytes, memoryCap } from '../strategies/memoryGuard.js';
import { TOLERANCES } from '../strategies/reference.js';
import { runStrategy, strategyAvailability } from '../strategies/run.js';
import { gridAxes, gridFunction } from '../strategies/grid.js';
import { DEFAULT_FORMULA, GRID_RANGE, type GridSpec, type RunRecord, type StrategyName } from '../strategies/types.js';
import { cpuDevices, pmap } from '../transforms/pmap.js';
import { vmap } from '../transforms/vmap.js';
import { LESSON_STEP_IDS, type LessonStepId } from './lessonSteps.js';

export { LESSON_STEP_IDS, type LessonStepId };

export interface LessonSentence {
  /** A template: {name} is replaced by the figure of that name. */
  text: string;
  /** Shown only when every one of these flags is true. */
  when?: string[];
  /** Shown only when none of these flags is true. */
  unless?: string[];
}

export interface LessonStep {
  id: LessonStepId;
  title: string;
  /** The grid side the step runs at (the lecture's sizes). */
  n: number;
  explanation: string[];
  typescript: string;
  python: string;
  /** What the run button does, in words; may use {n}. */
  runs: string;
  /** The figure shown big (projector mode), and its unit in words (a template). */
  headline: string;
  headlineUnit: string;
  sentences: LessonSentence[];
}

export interface Lesson {
  language: string;
  /** For numbers in sentences (BCP 47, e.g. en-US). */
  locale: string;
  title: string;
  intro: string;
  /** Button and heading text, by key. */
  labels: Record<string, string>;
  steps: LessonStep[];
}

export class LessonFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonFormatError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(owner: Record<string, unknown>, key: string, where: string): string {
  const value = owner[key];
  if (typeof value !== 'string' || value.trim() === '') throw new LessonFormatError(`${where}: '${key}' must be non-empty text`);
  return value;
}

function flags(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) throw new LessonFormatError(`${where}: a condition must be a flag name or a list of them`);
  return list as string[];
}

/** Reads a lesson file's contents (already JSON-parsed), checking everything the app relies on. */
export function parseLesson(data: unknown): Lesson {
  if (!isRecord(data) || data.format !== 'vlab-lesson') throw new LessonFormatError("not a lesson file: 'format' must be 'vlab-lesson'");
  if (data.version !== 1) throw new LessonFormatError(`lesson format version ${String(data.version)} is not supported (this lab reads version 1)`);
  const labels = isRecord(data.labels) ? data.labels : {};
  if (!Array.isArray(data.steps)) throw new LessonFormatError("'steps' must be a list");
  const steps = data.steps.map((raw, index): LessonStep => {
    const where = `step ${index + 1}`;
    if (!isRecord(raw)) throw new LessonFormatError(`${where} must be an object`);
    const id = raw.id;
    if (id !== LESSON_STEP_IDS[index]) {
      throw new LessonFormatError(`${where} must have id '${LESSON_STEP_IDS[index] ?? '(none: there are eight steps)'}', got '${String(id)}'`);
    }
    const n = raw.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new LessonFormatError(`${where}: 'n' must be a positive integer`);
    if (!Array.isArray(raw.explanation) || !raw.explanation.every((p) => typeof p === 'string')) {
      throw new LessonFormatError(`${where}: 'explanation' must be a list of paragraphs`);
    }
    if (!Array.isArray(raw.sentences)) throw new LessonFormatError(`${where}: 'sentences' must be a list`);
    const sentences = raw.sentences.map((s, k): LessonSentence => {
      const at = `${where}, sentence ${k + 1}`;
      if (!isRecord(s)) throw new LessonFormatError(`${at} must be an object with 'text'`);
      const when = flags(s.when, at);
      const unless = flags(s.unless, at);
      return { text: text(s, 'text', at), ...(when ? { when } : {}), ...(unless ? { unless } : {}) };
    });
    return {
      id: id as LessonStepId,
      title: text(raw, 'title', where),
      n,
      explanation: raw.explanation as string[],
      typescript: text(raw, 'typescript', where),
      python: text(raw, 'python', where),
      runs: text(raw, 'runs', where),
      headline: text(raw, 'headline', where),
      headlineUnit: text(raw, 'headlineUnit', where),
      sentences,
    };
  });
  if (steps.length !== LESSON_STEP_IDS.length) throw new LessonFormatError(`a lesson has ${LESSON_STEP_IDS.length} steps, this one ${steps.length}`);
  return {
    language: text(data, 'language', 'lesson'),
    locale: typeof data.locale === 'string' ? data.locale : 'en-US',
    title: text(data, 'title', 'lesson'),
    intro: text(data, 'intro', 'lesson'),
    labels: Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')),
    steps,
  };
}

export const LESSON_EN: Lesson = parseLesson(lessonEn);

export type LessonValue = number | string | boolean;

export class LessonTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonTemplateError';
  }
}

/** A number as a sentence shows it: integers whole with separators, others to three significant digits. */
export function formatFigure(value: LessonValue, locale = 'en-US'): string {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value)) return value.toLocaleString(locale);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return value.toLocaleString(locale, { maximumSignificantDigits: 3 });
}

/** Replaces every {name} with its figure; a name with no figure is a mistake in the lesson text, and says so. */
export function fillTemplate(template: string, figures: Readonly<Record<string, string>>, where = 'the lesson'): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const figure = figures[name];
    if (figure === undefined) throw new LessonTemplateError(`${where} uses {${name}}, which this step does not measure (it has ${Object.keys(figures).join(', ') || 'nothing'})`);
    return figure;
  });
}

/** Whether a sentence applies to these figures. */
export function sentenceApplies(sentence: LessonSentence, values: Readonly<Record<string, LessonValue>>): boolean {
  return (sentence.when ?? []).every((flag) => values[flag] === true) && !(sentence.unless ?? []).some((flag) => values[flag] === true);
}

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

interface StepContext {
  n: number;
  /** The lab's grid (see LessonStepOptions.grid): the domain of every run, and the rectangular grid the steps may show. */
  grid: GridSpec;
  dtype: DType;
  formula: string | undefined;
  repeats: number | undefined;
  signal: AbortSignal | undefined;
  /** Runs a strategy at the step's n (or the one given), over the grid's domain, reporting progress. */
  run(strategy: StrategyName, keepGrid?: boolean, n?: number): Promise<{ record: RunRecord; grid?: NDArray }>;
  /** Runs a strategy on nx × ny over the grid's domain (the grid itself freed). */
  runOn(strategy: StrategyName, size: Pick<GridSpec, 'nx' | 'ny'>): Promise<{ record: RunRecord }>;
}

type Values = Record<string, LessonValue>;
type StepRunner = (context: StepContext) => Promise<Values>;

/** Runs a strategy that may not fit; a refusal is a figure, not an error. */
async function fitting<T>(work: () => Promise<T>): Promise<{ ok: T } | { refusal: string }> {
  try {
    return { ok: await work() };
  } catch (error) {
    if (error instanceof MemoryGuardError) return { refusal: error.message };
    throw error;
  }
}

const pythonShape = (shape: readonly number[]) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

function compareGrids(a: NDArray, b: NDArray, dtype: DType): { allclose: boolean; maxDiff: number } {
  return { allclose: allclose(a, b, TOLERANCES[dtype]), maxDiff: maxAbsDiff(a, b) };
}

/** The largest grid the GPU step runs on a software adapter. */
export const SOFTWARE_GPU_MAX_N = 1000;

const STEP_RUNNERS: Record<LessonStepId, StepRunner> = {
  async loop({ n, run }): Promise<Values> {
    const { record } = await run('loops');
    const perCallUs = (record.medianMs * 1000) / (n * n);
    return {
      n,
      calls: n * n,
      ms: record.medianMs,
      firstMs: record.firstMs,
      perCallUs,
      callsAt6000: 6000 * 6000,
      secondsAt6000: (perCallUs * 6000 * 6000) / 1e6,
    };
  },

  async naive({ n, grid, run, runOn }): Promise<Values> {
    const { record } = await run('naive');
    const values: Values = {
      n,
      shape: pythonShape(record.shape),
      gridShape: pythonShape([n, n]),
      got: record.shape.reduce((a, b) => a * b, 1),
      wanted: n * n,
      ms: record.medianMs,
      rectangular: grid.nx !== grid.ny,
    };
    if (grid.nx === grid.ny) return values;
    // On the lab's rectangular grid the shortcut does not even run: JAX's shape error, raised while tracing.
    const rectangular = await runOn('naive', grid);
    return { ...values, nx: grid.nx, ny: grid.ny, shapeError: rectangular.record.shapeError ?? '(none: the engine paired them, which it should not)' };
  },

  async meshgrid({ n, grid, dtype, run }): Promise<Values> {
    const mesh = await run('meshgrid', true);
    const loops = await run('loops', true);
    try {
      const check = compareGrids(mesh.grid!, loops.grid!, dtype);
      return {
        n,
        ...check,
        ms: mesh.record.medianMs,
        loopMs: loops.record.medianMs,
        speedup: loops.record.medianMs / mesh.record.medianMs,
        ...indexingShapes(grid, dtype),
      };
    } finally {
      mesh.grid!.dispose();
      loops.grid!.dispose();
    }
  },

  async compile({ n, dtype, run }): Promise<Values> {
    const outcome = await fitting(() => run('meshgrid'));
    if ('refusal' in outcome) return { n, refused: true, refusal: outcome.refusal };
    const { record } = outcome.ok;
    const outputBytes = n * n * itemSize(dtype);
    return {
      n,
      refused: false,
      elements: n * n,
      firstMs: record.firstMs,
      secondMs: record.medianMs,
      firstOverSecond: record.firstMs / record.medianMs,
      compileMs: Math.max(0, record.firstMs - record.medianMs),
      outputBytes: formatBytes(outputBytes),
      bandwidth: outputBytes / (record.medianMs / 1000) / 1e9,
    };
  },

  async memory({ n, dtype }): Promise<Values> {
    const predicted = 2 * n * n * itemSize(dtype);
    const xBytes = n * itemSize(dtype);
    const cap = memoryCap();
    let meshBytes = predicted;
    let refusal: string | undefined;
    if (predicted <= cap) {
      // Built for real, so that the figure is what .nbytes says, as in the lecture.
      const x = linspace(GRID_RANGE[0], GRID_RANGE[1], n, { dtype });
      const [xMesh, yMesh] = meshgrid(x, x, { indexing: 'ij' });
      meshBytes = xMesh.nbytes + yMesh.nbytes;
      for (const a of [x, xMesh, yMesh]) a.dispose();
    } else {
      refusal = `they need ${formatBytes(predicted)} and only ${formatBytes(cap)} is available`;
    }
    return {
      n,
      meshBytes,
      meshHuman: formatBytes(meshBytes),
      xBytes,
      xHuman: formatBytes(xBytes),
      ratio: meshBytes / xBytes,
      refused: refusal !== undefined,
      ...(refusal ? { refusal } : {}),
    };
  },

  async vmap({ n, dtype, run }): Promise<Values> {
    const outcome = await fitting(async () => {
      const v = await run('vmap', true);
      try {
        return { v, m: await run('meshgrid', true) };
      } catch (error) {
        v.grid!.dispose();
        throw error;
      }
    });
    if ('refusal' in outcome) return { n, refused: true, refusal: outcome.refusal, allclose: false };
    const { v, m } = outcome.ok;
    try {
      return {
        n,
        refused: false,
        ...compareGrids(v.grid!, m.grid!, dtype),
        vmapMs: v.record.medianMs,
        meshMs: m.record.medianMs,
        // The lab's own strategies always measure their peak (only a peer may not).
        vmapPeak: formatBytes(v.record.peakBytes ?? NaN),
        meshPeak: formatBytes(m.record.peakBytes ?? NaN),
        memoryRatio: (m.record.peakBytes ?? NaN) / (v.record.peakBytes ?? NaN),
        ...(await besideJax(v.record, run)),
      };
    } finally {
      v.grid!.dispose();
      m.grid!.dispose();
    }
  },

  async pmap({ n, dtype, formula, run }): Promise<Values> {
    const status = (await strategyAvailability()).find((a) => a.strategy === 'pmap');
    const devices = cpuDevices().length;
    const values: Record<string, LessonValue> = { n, devices, tooMany: devices + 1 };

    // The rule, by breaking it: one slice more than there are devices.
    const f = gridFunction(compileFormula(formula ?? DEFAULT_FORMULA));
    const rows = vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] });
    const tooManyBlocks = NDArray.zeros([devices + 1, 2], dtype);
    const y = linspace(GRID_RANGE[0], GRID_RANGE[1], 4, { dtype });
    try {
      const out = await pmap(rows, { inAxes: [0, null] }).run([tooManyBlocks, y]);
      for (const a of Array.isArray(out) ? out : [out]) a.dispose();
      values.refusal = `(none: the engine accepted ${devices + 1} slices on ${devices} devices, which it should not)`;
    } catch (error) {
      values.refusal = error instanceof Error ? error.message : String(error);
    } finally {
      tooManyBlocks.dispose();
      y.dispose();
    }

    if (!status?.available) return { ...values, unavailable: true, reason: status?.reason ?? 'this engine has no pmap strategy' };
    const outcome = await fitting(async () => ({ p: await run('pmap'), v: await run('vmap') }));
    if ('refusal' in outcome) return { ...values, unavailable: false, refused: true, gridRefusal: outcome.refusal };
    const { p, v } = outcome.ok;
    return {
      ...values,
      unavailable: false,
      refused: false,
      blocks: p.record.devices,
      pmapMs: p.record.medianMs,
      vmapMs: v.record.medianMs,
      speedup: v.record.medianMs / p.record.medianMs,
      slowdown: p.record.medianMs / v.record.medianMs,
      faster: p.record.medianMs <= v.record.medianMs,
    };
  },

  async gpu({ n: plannedN, run, signal }): Promise<Values> {
    const status = (await strategyAvailability()).find((a) => a.strategy === 'gpu');
    if (!status?.available) return { n: plannedN, unavailable: true, reason: status?.reason ?? 'this engine has no gpu strategy' };
    // A software adapter (llvmpipe, SwiftShader) takes minutes over a 6000 grid: it shows the same split at a smaller one.
    const softwareGpu = devices().some((d) => d.kind === 'gpu' && d.software === true);
    const n = softwareGpu ? Math.min(plannedN, SOFTWARE_GPU_MAX_N) : plannedN;
    let outcome: Awaited<ReturnType<typeof fitting<{ record: RunRecord }>>>;
    try {
      outcome = await fitting(() => run('gpu', false, n));
    } catch (error) {
      // The adapter was found but would not run (a driver that fails a second open, say): that is its reason.
      if (error instanceof CancelledError || signal?.aborted) throw error;
      return { n, unavailable: true, reason: error instanceof Error ? error.message : String(error) };
    }
    if ('refusal' in outcome) return { n, unavailable: false, refused: true, gridRefusal: outcome.refusal };
    const { record } = outcome.ok;
    const kernelMs = record.kernelMs ?? NaN;
    return {
      n,
      plannedN,
      softwareGpu: softwareGpu && n < plannedN,
      unavailable: false,
      refused: false,
      deviceName: record.deviceName ?? 'the GPU',
      uploadMs: record.uploadMs ?? NaN,
      kernelMs,
      readbackMs: record.readbackMs ?? NaN,
      totalMs: record.medianMs,
      kernelShare: `${Math.round((kernelMs / record.medianMs) * 100)} %`,
      otherDtype: record.computedDtype !== undefined && record.computedDtype !== record.dtype,
      computedDtype: record.computedDtype ?? record.dtype,
    };
  },
};

/**
 * meshgrid's two indexings on the lab's grid, made for real (the shapes are
 * what the engine's meshgrid returns): 'xy', NumPy's and JAX's default, gives
 * (ny, nx) — y down the rows — against the loop's (nx, ny). Only a
 * rectangular grid tells them apart by shape.
 */
function indexingShapes(grid: GridSpec, dtype: DType): Values {
  const { nx, ny } = grid;
  const rectangular = nx !== ny;
  const ijShape = pythonShape([nx, ny]);
  const meshBytes = 2 * nx * ny * itemSize(dtype);
  if (meshBytes > memoryCap()) return { gridSize: `${nx} × ${ny}`, rectangular, ijShape, xyShape: pythonShape([ny, nx]) };
  const [x, y] = gridAxes(grid, dtype);
  const [xMesh, yMesh] = meshgrid(x, y, { indexing: 'xy' });
  const xyShape = pythonShape(xMesh.shape);
  for (const a of [x, y, xMesh, yMesh]) a.dispose();
  return { gridSize: `${nx} × ${ny}`, rectangular, ijShape, xyShape };
}

/**
 * The lesson's claim checked against JAX itself, where this machine's Python
 * has it: the jax-vmap peer at the same n and dtype. Nothing when it has not.
 */
async function besideJax(vmapRecord: RunRecord, run: StepContext['run']): Promise<Values> {
  const status = (await strategyAvailability()).find((a) => a.strategy === 'jax-vmap');
  if (!status?.available) return { ranByJax: false };
  try {
    const { record } = await run('jax-vmap', false, vmapRecord.n);
    return {
      ranByJax: true,
      jaxMs: record.medianMs,
      jaxVersions: record.peerVersions ?? 'JAX',
      labFaster: vmapRecord.medianMs <= record.medianMs,
      jaxRatio: Math.max(record.medianMs, vmapRecord.medianMs) / Math.min(record.medianMs, vmapRecord.medianMs),
    };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    // A refused grid or a failing Python leaves the lesson's own figures standing.
    return { ranByJax: false };
  }
}

/** How many strategy runs each step makes, for its progress bar. */
const RUNS_PER_STEP: Record<LessonStepId, number> = { loop: 1, naive: 1, meshgrid: 2, compile: 1, memory: 0, vmap: 2, pmap: 2, gpu: 1 };

export function findStep(step: number | LessonStepId, lesson: Lesson = LESSON_EN): { step: LessonStep; index: number } {
  const index = typeof step === 'number' ? step : lesson.steps.findIndex((s) => s.id === step);
  const found = lesson.steps[index];
  if (!found) throw new RangeError(`there is no lesson step ${String(step)}: the steps are 0 to ${lesson.steps.length - 1} (${LESSON_STEP_IDS.join(', ')})`);
  return { step: found, index };
}

/** What the step's run button does, with its grid size filled in. */
export function describeStepRun(step: LessonStep, n = step.n, locale = 'en-US'): string {
  return fillTemplate(step.runs, { n: formatFigure(n, locale) }, `step '${step.id}' (runs)`);
}

/** Runs one step's experiments and fills its sentences with the figures. */
export async function runLessonStep(which: number | LessonStepId, options: LessonStepOptions = {}, lesson: Lesson = LESSON_EN): Promise<LessonStepResult> {
  await loadBackends();
  const { step, index } = findStep(which, lesson);
  const n = options.n ?? step.n;
  const dtype = options.dtype ?? 'float32';
  const grid: GridSpec = options.grid ?? { nx: n, ny: n, xRange: GRID_RANGE, yRange: GRID_RANGE };
  const records: RunRecord[] = [];
  const planned = Math.max(1, RUNS_PER_STEP[step.id]);
  let started = 0;
  const runAt = async (strategy: StrategyName, keepGrid: boolean, size: Pick<GridSpec, 'nx' | 'ny'>) => {
    const before = started++;
    const result = await runStrategy(
      {
        strategy,
        nx: size.nx,
        ny: size.ny,
        xRange: grid.xRange,
        yRange: grid.yRange,
        dtype,
        ...(options.formula !== undefined ? { formula: options.formula } : {}),
        // The compile step needs a second call to compare with the first.
        ...(options.repeats !== undefined ? { repeats: step.id === 'compile' ? Math.max(1, options.repeats) : options.repeats } : {}),
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
  };
  const values = await STEP_RUNNERS[step.id](context);
  options.onProgress?.({ fraction: 1, strategy: step.id });
  const figures = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, formatFigure(v, lesson.locale)]));
  const sentences = step.sentences
    .filter((s) => sentenceApplies(s, values))
    .map((s, k) => fillTemplate(s.text, figures, `step '${step.id}', sentence ${k + 1}`));
  const headlineValue = figures[step.headline];
  return {
    id: step.id,
    index,
    n,
    dtype,
    values,
    figures,
    sentences,
    ...(headlineValue !== undefined && values.refused !== true && values.unavailable !== true
      ? { headline: { value: headlineValue, unit: fillTemplate(step.headlineUnit, figures, `step '${step.id}' (headline unit)`) } }
      : {}),
    records,
  };
}
