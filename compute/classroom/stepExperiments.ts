// The lesson's experiments, one per step: each runs its strategies on this
// machine through the engine (runStrategy, pmap, meshgrid) and returns the raw
// figures its sentences use — numbers, text and the flags that choose
// sentences. The pmap rule is shown by breaking it, a grid the memory guard
// refuses is a figure, not an error. Nothing here knows the lesson's words:
// lessonText.ts fills them in.

import type { DType } from '../core/dtype.js';
import { itemSize } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { linspace, meshgrid } from '../core/creation.js';
import { allclose, maxAbsDiff } from '../core/allclose.js';
import { devices } from '../backends/registry.js';
import { CancelledError } from '../backends/backend.js';
import { compileFormula } from '../formula/index.js';
import { MemoryGuardError, formatBytes, memoryCap } from '../strategies/memoryGuard.js';
import { TOLERANCES } from '../strategies/reference.js';
import { strategyAvailability } from '../strategies/run.js';
import { gridAxes, gridFunction } from '../strategies/grid.js';
import {
  DEFAULT_FORMULA,
  GRID_RANGE,
  type GridSpec,
  type ReduceMode,
  type RunRecord,
  type StrategyName,
} from '../strategies/types.js';
import { cpuDevices, pmap } from '../transforms/pmap.js';
import { vmap } from '../transforms/vmap.js';
import type { LessonValue } from './lessonText.js';
import type { LessonStepId } from './lessonSteps.js';
import { answerStep, talkStep } from './stepAnswers.js';
import { boundText } from '../machine/roofline.js';
import { currentMachineProfile } from '../machine/store.js';

/** The strategies the roofline step places, the one that moves the most bytes first. */
const ROOFLINE_STRATEGIES = ['meshgrid-eager', 'meshgrid', 'vmap', 'pmap'] as const;

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

type Values = Record<string, LessonValue>;
export type StepExperiment = (context: StepContext) => Promise<Values>;

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

/** Each step's experiment, keyed by step id (a step without one does not compile). */
export const STEP_EXPERIMENTS: Record<LessonStepId, StepExperiment> = {
  answer: answerStep,
  talk: talkStep,
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
    return {
      ...values,
      nx: grid.nx,
      ny: grid.ny,
      shapeError: rectangular.record.shapeError ?? '(none: the engine paired them, which it should not)',
    };
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

    if (!status?.available)
      return { ...values, unavailable: true, reason: status?.reason ?? 'this engine has no pmap strategy' };
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
    if (!status?.available)
      return { n: plannedN, unavailable: true, reason: status?.reason ?? 'this engine has no gpu strategy' };
    // A software adapter (llvmpipe, SwiftShader) takes minutes over a 6000 grid: it shows the same split at a smaller
    // one.
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

  async roofline({ n, run }): Promise<Values> {
    const profile = currentMachineProfile();
    const outcome = await fitting(async () => {
      const records: RunRecord[] = [];
      for (const strategy of ROOFLINE_STRATEGIES) records.push((await run(strategy)).record);
      return records;
    });
    if ('refusal' in outcome) return { n, refused: true, gridRefusal: outcome.refusal, placed: false };
    const [eager, mesh, v, p] = outcome.ok as [RunRecord, RunRecord, RunRecord, RunRecord];
    const values: Values = {
      n,
      refused: false,
      placed: profile !== null && v.bound !== undefined,
      meshBytes: formatBytes(mesh.bytesMoved ?? NaN),
      vmapBytes: formatBytes(v.bytesMoved ?? NaN),
      eagerBytes: formatBytes(eager.bytesMoved ?? NaN),
      bytesRatio: (mesh.bytesMoved ?? NaN) / (v.bytesMoved ?? NaN),
      opsPerPoint: v.opsPerPoint ?? 0,
      transcendentalsPerPoint: v.transcendentalsPerPoint ?? 0,
      meshGBps: mesh.achievedGBps ?? NaN,
      vmapGBps: v.achievedGBps ?? NaN,
      pmapGBps: p.achievedGBps ?? NaN,
      eagerWords: boundText(eager),
      meshWords: boundText(mesh),
      vmapWords: boundText(v),
      pmapWords: boundText(p),
    };
    if (profile) {
      values.dramGBps = profile.bandwidth.DRAM.writeGBps;
      values.cosPerNs = profile.transcendentalsPerNs[v.dtype];
    }
    return values;
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
  if (meshBytes > memoryCap())
    return { gridSize: `${nx} × ${ny}`, rectangular, ijShape, xyShape: pythonShape([ny, nx]) };
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
    const { record } = await run('jax-vmap', false, vmapRecord.nx);
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
export const RUNS_PER_STEP: Record<LessonStepId, number> = {
  loop: 1,
  naive: 1,
  meshgrid: 2,
  compile: 1,
  memory: 0,
  vmap: 2,
  pmap: 2,
  answer: 3,
  talk: 0,
  gpu: 1,
  roofline: ROOFLINE_STRATEGIES.length,
};
