// Runs one strategy as a measured experiment: validates the request, checks
// the predicted memory before allocating anything, measures the allocator's
// peak over the run, compares with the float64 reference and returns the
// record. Every shell (CLI, app worker, tests) runs strategies through here.

import { type DType, itemSize } from '../core/dtype.js';
import { ENGINE_MAX_N } from '../limits.js';
import { allocator } from '../core/allocator.js';
import type { NDArray } from '../core/ndarray.js';
import type { BackendName } from '../backends/backend.js';
import { backendStatus, getBackend, loadBackends } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { compileFormula, type CompiledFormula } from '../formula/index.js';
import { checkMemory, memoryCap } from './memoryGuard.js';
import { probePython } from '../peers/python.js';
import { checkAgainstReference } from './reference.js';
import { noisyVerdict, quantile, spreadOf } from './spread.js';
import { STRATEGIES, findStrategy } from './index.js';
import { runRequest } from './requestSchema.js';
import { check, show } from '../schema/describe.js';
import { RunRequestError, StrategyUnavailableError, type Strategy, type StrategyOutcome } from './strategy.js';
import { ShapeError } from '../core/shape.js';
import { gridFields } from './grid.js';
import { ANSWER_BYTES, FUSED_TO_A_NUMBER, isAnswer } from './answer.js';
import { checkAnswer } from './answerRecord.js';
import { placeOnRoofline } from '../machine/place.js';
import {
  DEFAULT_FORMULA,
  GRID_RANGE,
  type GridSpec,
  type RunProgress,
  type RunRecord,
  type RunRequest,
  type ReduceMode,
  type StrategyAvailability,
  type StrategyName,
} from './types.js';

export const DEFAULT_REPEATS = 3;
/** Grids are at least 1×1; beyond this side (nx or ny) no machine has the memory, and the guard says so. */
export const MAX_N = ENGINE_MAX_N;

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /** Keep the result grid (the caller must dispose it); by default it is freed after the check. */
  keepGrid?: boolean;
}

export interface RunResult {
  record: RunRecord;
  grid?: NDArray;
}

/** The fastest single-device backend this process has: native when it loaded, else js. */
export function defaultBackend(strategy?: string): BackendName {
  // loops is one call per element: crossing into C++ per call costs more than
  // the JS backend's in-thread call, so its fastest backend is js.
  if (strategy === 'loops') return 'js';
  return backendStatus('native').available ? 'native' : 'js';
}

export { RunRequestError, StrategyUnavailableError };

interface ResolvedRequest {
  strategy: Strategy;
  grid: GridSpec;
  dtype: DType;
  backend: BackendName;
  formula: CompiledFormula;
  repeats: number;
  devices: number;
  memoryCapBytes?: number;
  reduce: ReduceMode;
}

/**
 * The request checked by its schema (requestSchema.ts: the same fields and words as every payload) and
 * resolved once: defaults filled in, the square shorthand n turned into the grid, the formula compiled.
 */
function resolve(request: RunRequest): ResolvedRequest {
  const checked = check(runRequest, request);
  if (!checked.ok) {
    const { path, rule, value } = checked.refusal;
    throw new RunRequestError(path ? `${path} ${rule}, got ${show(value)}` : rule);
  }
  const r = checked.value;
  const strategy = findStrategy(r.strategy)!;
  const grid: GridSpec = {
    nx: (r.nx ?? r.n)!,
    ny: (r.ny ?? r.n)!,
    xRange: r.xRange ?? GRID_RANGE,
    yRange: r.yRange ?? GRID_RANGE,
  };
  return {
    strategy,
    grid,
    dtype: r.dtype ?? 'float32',
    backend: r.backend ?? defaultBackend(r.strategy),
    formula: compileFormula(r.formula ?? DEFAULT_FORMULA),
    repeats: r.repeats ?? DEFAULT_REPEATS,
    devices: r.devices ?? 0,
    ...(r.memoryCapBytes !== undefined ? { memoryCapBytes: r.memoryCapBytes } : {}),
    reduce: r.reduce ?? 'grid',
  };
}

/** The memory guard alone, for shells that want to warn before a run. Throws MemoryGuardError. */
function memoryAdvice(strategy: string, dtype: DType): string {
  const options = ['a smaller grid'];
  if (dtype === 'float64') options.push('float32');
  if (strategy === 'meshgrid' || strategy === 'meshgrid-eager') options.push('a strategy without meshes (vmap)');
  return `use ${options.length > 1 ? options.slice(0, -1).join(', ') + ' or ' + options.at(-1) : options[0]}`;
}

export function guardRequest(request: RunRequest): { predictedBytes: number } {
  return guardResolved(resolve(request));
}

/** The guard on a request resolved already: runStrategy resolves once, and compiles the formula once. */
function guardResolved({ strategy, grid, dtype, formula, memoryCapBytes, reduce }: ResolvedRequest): {
  predictedBytes: number;
} {
  const { nx, ny } = grid;
  // What a strategy really holds: to a number, the fused ones (and the loop) hold no grid; the others reduce theirs.
  const fused = isAnswer(reduce) && FUSED_TO_A_NUMBER.includes(strategy.name);
  const predictedBytes =
    strategy.predictBytes(grid, dtype, formula, reduce) + (isAnswer(reduce) && !fused ? ANSWER_BYTES : 0);
  const noGrid = strategy.name === 'naive' || fused;
  checkMemory(`${strategy.name} at ${nx === ny ? `n = ${nx}` : `${nx} × ${ny}`} (${dtype})`, {
    predictedBytes,
    largestBufferBytes: (noGrid ? Math.max(nx, ny) : nx * ny) * itemSize(dtype),
    capBytes: memoryCap(memoryCapBytes),
    advice: memoryAdvice(strategy.name, dtype),
  });
  return { predictedBytes };
}

export async function runStrategy(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
  await Promise.all([loadBackends(), probePython()]);
  const resolved = resolve(request);
  const { strategy, grid: spec, dtype, backend, formula, repeats, devices, reduce } = resolved;
  const status = strategy.availability(backend);
  if (!status.available)
    throw new StrategyUnavailableError(`${strategy.name} cannot run on ${backend}: ${status.reason}`);
  const { predictedBytes } = guardResolved(resolved);

  const progress = (phase: RunProgress['phase'], fraction: number) =>
    options.onProgress?.({ strategy: strategy.name, phase, fraction: Math.min(1, Math.max(0, fraction)) });
  progress('compile', 0);
  const baseline = allocator.resetPeak();
  const started = performance.now();
  let outcome: StrategyOutcome;
  try {
    outcome = await strategy.run({
      grid: spec,
      dtype,
      backend,
      formula,
      repeats,
      devices,
      reduce,
      ...(options.signal ? { signal: options.signal } : {}),
      progress,
    });
  } catch (error) {
    // JAX raises a shape error at trace time (naive on nx ≠ ny): that is the step's result, not a crash.
    if (!(error instanceof ShapeError)) throw error;
    const failedMs = performance.now() - started;
    return {
      record: shapeErrorRecord(resolved, error, failedMs, allocator.stats().peakBytes - baseline, predictedBytes),
    };
  }
  const allocatorPeak = allocator.stats().peakBytes - baseline;
  const peakBytes = outcome.peakBytes === undefined ? allocatorPeak : outcome.peakBytes;
  const grid = outcome.grid;
  try {
    progress('check', 0);
    const signal = options.signal ? { signal: options.signal } : {};
    const answer = isAnswer(reduce)
      ? await checkAnswer(grid, reduce, spec, dtype, formula, { diagonal: strategy.name === 'naive', ...signal })
      : null;
    const check =
      answer ??
      (await checkAgainstReference(grid, formula, spec, dtype, { ...signal, onProgress: (f) => progress('check', f) }));
    progress('check', 1);
    const samplesMs = [...outcome.repeatMs];
    // With no repeats asked for, the first call is the only figure there is.
    const spread = spreadOf(samplesMs.length ? samplesMs : [outcome.firstMs]);
    const backendRan = outcome.backend ?? backend;
    const devicesUsed = outcome.devices ?? 1;
    const wallMs = samplesMs.reduce((a, b) => a + b, 0);
    // A GPU run waits on the device, so its CPU time says nothing about contention.
    const cpu =
      outcome.cpuMs !== undefined && backendRan !== 'webgpu'
        ? { cpuMs: outcome.cpuMs, wallMs, threads: devicesUsed }
        : undefined;
    const measured: RunRecord = {
      strategy: strategy.name,
      ...gridFields(spec),
      dtype,
      backend: backendRan,
      devices: devicesUsed,
      shape: answer ? [] : [...grid.shape],
      firstMs: outcome.firstMs,
      medianMs: spread.medianMs,
      minMs: spread.minMs,
      maxMs: spread.maxMs,
      repeats: outcome.repeatMs.length,
      samplesMs,
      iqrMs: spread.iqrMs,
      stddevMs: spread.stddevMs,
      ...noisyVerdict(spread, cpu),
      ...(peakBytes === null ? {} : { peakBytes }),
      predictedBytes,
      maxAbsErr: check.maxAbsErr,
      allclose: check.allclose,
      nonFinite: check.nonFinite,
      nonFiniteMatch: check.nonFiniteMatch,
      formula: formula.text,
      outputBuffer: outcome.outputBuffer,
      ...medianTimings(outcome),
      ...(outcome.deviceName ? { deviceName: outcome.deviceName } : {}),
      ...(backendRan === 'native' ? (getBackend('native') as NativeBackend).simdOf(dtype) : {}),
      // A backend that computes in another dtype (WGSL has no float64) returns that dtype: the record says so.
      // A number travels as a float64 [value, index] pair whatever it was computed in: only the outcome can say.
      ...(outcome.computedDtype || (!answer && grid.dtype !== dtype)
        ? { computedDtype: outcome.computedDtype ?? grid.dtype }
        : {}),
      ...(outcome.note ? { note: outcome.note } : {}),
      ...(outcome.peerVersions ? { peerVersions: outcome.peerVersions } : {}),
      ...answer?.fields,
    };
    // To a number too: the bytes model counts no grid for a fused plan, the grid and its reading for the others.
    const record = placeOnRoofline(measured, formula);
    if (answer && strategy.name === 'naive') {
      const wrong = `wrong on purpose: the ${reduce} of f(x[i], y[i]), the diagonal only, not of the grid`;
      record.note = [wrong, record.note].filter(Boolean).join('; ');
    }
    if (options.keepGrid) return { record, grid };
    grid.dispose();
    return { record };
  } catch (error) {
    grid.dispose();
    throw error;
  }
}

/** The record of a run that raised a shape error: the failing call's time, nothing computed, never allclose. */
function shapeErrorRecord(
  resolved: ResolvedRequest,
  error: ShapeError,
  failedMs: number,
  peakBytes: number,
  predictedBytes: number,
): RunRecord {
  const { strategy, grid, dtype, backend, formula } = resolved;
  return {
    strategy: strategy.name,
    ...gridFields(grid),
    dtype,
    backend,
    devices: 1,
    shape: [],
    shapeError: error.message,
    firstMs: failedMs,
    medianMs: failedMs,
    minMs: failedMs,
    maxMs: failedMs,
    repeats: 0,
    samplesMs: [],
    iqrMs: 0,
    stddevMs: 0,
    noisy: false,
    peakBytes,
    predictedBytes,
    maxAbsErr: Number.NaN,
    allclose: false,
    nonFinite: { nan: 0, posInf: 0, negInf: 0 },
    nonFiniteMatch: true,
    formula: formula.text,
    outputBuffer: 'fresh',
    note: `x has shape (${grid.nx},) and y (${grid.ny},): elementwise f(x, y) cannot pair them, as in JAX; the grid needs meshgrid or vmap`,
  };
}

function medianTimings(outcome: { timings?: { uploadMs?: number; kernelMs?: number; readbackMs?: number }[] }) {
  const out: Pick<RunRecord, 'uploadMs' | 'kernelMs' | 'readbackMs'> = {};
  for (const key of ['uploadMs', 'kernelMs', 'readbackMs'] as const) {
    const values = (outcome.timings ?? []).map((t) => t[key]).filter((v): v is number => v !== undefined);
    if (values.length)
      out[key] = quantile(
        values.sort((a, b) => a - b),
        0.5,
      );
  }
  return out;
}

/** Every strategy with whether it can run on the given backend here, and why not. */
export async function strategyAvailability(backend?: BackendName): Promise<StrategyAvailability[]> {
  await Promise.all([loadBackends(), probePython()]);
  const chosen = backend ?? defaultBackend();
  return STRATEGIES.map((s) => {
    const status = s.availability(chosen);
    return {
      strategy: s.name as StrategyName,
      available: status.available,
      ...(status.available ? {} : { reason: status.reason }),
      description: s.description,
    };
  });
}
