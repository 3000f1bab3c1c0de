// Runs one strategy as a measured experiment: validates the request, checks
// the predicted memory before allocating anything, measures the allocator's
// peak over the run, compares with the float64 reference and returns the
// record. Every shell (CLI, app worker, tests) runs strategies through here.

import { type DType, isDType, itemSize } from '../core/dtype.js';
import { DOMAIN_MAX_ABS, ENGINE_MAX_N } from '../limits.js';
import { allocator } from '../core/allocator.js';
import type { NDArray } from '../core/ndarray.js';
import type { BackendName } from '../backends/backend.js';
import { BACKEND_NAMES } from '../backends/backend.js';
import { backendStatus, loadBackends } from '../backends/registry.js';
import { compileFormula, type CompiledFormula } from '../formula/index.js';
import { checkMemory, memoryCap } from './memoryGuard.js';
import { probePython } from '../peers/python.js';
import { checkAgainstReference } from './reference.js';
import { noisyVerdict, quantile, spreadOf } from './spread.js';
import { STRATEGIES, findStrategy } from './index.js';
import { RunRequestError, StrategyUnavailableError, type Strategy, type StrategyOutcome } from './strategy.js';
import { ShapeError } from '../core/shape.js';
import { gridFields } from './grid.js';
import { ANSWER_BYTES, FUSED_TO_A_NUMBER, isAnswer } from './answer.js';
import { checkAnswer } from './answerRecord.js';
import {
  DEFAULT_FORMULA,
  GRID_RANGE,
  type GridSpec,
  type RunProgress,
  type RunRecord,
  type RunRequest,
  type ReduceMode,
  REDUCE_MODES,
  type StrategyAvailability,
  type StrategyName,
} from './types.js';

export const DEFAULT_REPEATS = 3;
/** Grids are at least 1×1; beyond this side (nx or ny) no machine has the memory, and the guard says so. */
export const MAX_N = ENGINE_MAX_N;
/** The largest |x| or |y| a domain may reach (compute/limits.ts). */
export const MAX_RANGE = DOMAIN_MAX_ABS;

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
  reduce: ReduceMode;
}

function resolve(request: RunRequest): ResolvedRequest {
  const strategy = findStrategy(request.strategy);
  if (!strategy) {
    throw new RunRequestError(`unknown strategy '${String(request.strategy)}'; choose from ${STRATEGIES.map((s) => s.name).join(', ')}`);
  }
  const grid = resolveGrid(request);
  const dtype = request.dtype ?? 'float32';
  if (!isDType(dtype)) throw new RunRequestError(`dtype must be float32 or float64, got '${String(dtype)}'`);
  const backend = request.backend ?? defaultBackend(request.strategy);
  if (!BACKEND_NAMES.includes(backend)) throw new RunRequestError(`backend must be one of ${BACKEND_NAMES.join(', ')}, got '${String(backend)}'`);
  const repeats = request.repeats ?? DEFAULT_REPEATS;
  if (!Number.isInteger(repeats) || repeats < 0 || repeats > 1000) throw new RunRequestError(`repeats must be an integer from 0 to 1000, got ${repeats}`);
  const devices = request.devices ?? 0;
  if (!Number.isInteger(devices) || devices < 0) throw new RunRequestError(`devices must be a non-negative integer, got ${devices}`);
  const formula = compileFormula(request.formula ?? DEFAULT_FORMULA);
  const reduce = request.reduce ?? 'grid';
  if (!REDUCE_MODES.includes(reduce)) throw new RunRequestError(`reduce must be one of ${REDUCE_MODES.join(', ')}, got '${String(reduce)}'`);
  return { strategy, grid, dtype, backend, formula, repeats, devices, reduce };
}

function checkSide(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_N) {
    throw new RunRequestError(`${name} must be an integer from 1 to ${MAX_N}, got ${String(value)}`);
  }
  return value;
}

function checkRange(name: string, value: readonly [number, number] | undefined): readonly [number, number] {
  if (value === undefined) return GRID_RANGE;
  const [lo, hi] = Array.isArray(value) ? value : [];
  if (!Array.isArray(value) || value.length !== 2 || typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RunRequestError(`${name} must be two finite numbers [start, stop], got ${JSON.stringify(value)}`);
  }
  if (!(lo < hi)) throw new RunRequestError(`${name} must run from a smaller number to a larger one, got [${lo}, ${hi}]`);
  if (Math.max(Math.abs(lo), Math.abs(hi)) > MAX_RANGE) throw new RunRequestError(`${name} must stay within ±${MAX_RANGE}, got [${lo}, ${hi}]`);
  return [lo, hi];
}

/** nx and ny (each defaulting to the square shorthand n) and the domain, checked. */
export function resolveGrid(request: Pick<RunRequest, 'n' | 'nx' | 'ny' | 'xRange' | 'yRange'>): GridSpec {
  if (request.n === undefined && (request.nx === undefined || request.ny === undefined)) {
    throw new RunRequestError(`give the grid's size: n (a square n × n grid), or nx and ny`);
  }
  return {
    nx: request.nx !== undefined ? checkSide('nx', request.nx) : checkSide('n', request.n),
    ny: request.ny !== undefined ? checkSide('ny', request.ny) : checkSide('n', request.n),
    xRange: checkRange('xRange', request.xRange),
    yRange: checkRange('yRange', request.yRange),
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
  const { strategy, grid, dtype, formula, reduce } = resolve(request);
  const { nx, ny } = grid;
  // What a strategy really holds: to a number, the fused ones (and the loop) hold no grid; the others reduce theirs.
  const fused = isAnswer(reduce) && FUSED_TO_A_NUMBER.includes(strategy.name);
  const predictedBytes = strategy.predictBytes(grid, dtype, formula, reduce) + (isAnswer(reduce) && !fused ? ANSWER_BYTES : 0);
  const noGrid = strategy.name === 'naive' || fused;
  checkMemory(`${strategy.name} at ${nx === ny ? `n = ${nx}` : `${nx} × ${ny}`} (${dtype})`, {
    predictedBytes,
    largestBufferBytes: (noGrid ? Math.max(nx, ny) : nx * ny) * itemSize(dtype),
    capBytes: memoryCap(request.memoryCapBytes),
    advice: memoryAdvice(strategy.name, dtype),
  });
  return { predictedBytes };
}

export async function runStrategy(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
  await Promise.all([loadBackends(), probePython()]);
  const resolved = resolve(request);
  const { strategy, grid: spec, dtype, backend, formula, repeats, devices, reduce } = resolved;
  const status = strategy.availability(backend);
  if (!status.available) throw new StrategyUnavailableError(`${strategy.name} cannot run on ${backend}: ${status.reason}`);
  const { predictedBytes } = guardRequest(request);

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
    return { record: shapeErrorRecord(resolved, error, failedMs, allocator.stats().peakBytes - baseline, predictedBytes) };
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
    const check = answer ?? (await checkAgainstReference(grid, formula, spec, dtype, { ...signal, onProgress: (f) => progress('check', f) }));
    progress('check', 1);
    const samplesMs = [...outcome.repeatMs];
    // With no repeats asked for, the first call is the only figure there is.
    const spread = spreadOf(samplesMs.length ? samplesMs : [outcome.firstMs]);
    const backendRan = outcome.backend ?? backend;
    const devicesUsed = outcome.devices ?? 1;
    const wallMs = samplesMs.reduce((a, b) => a + b, 0);
    // A GPU run waits on the device, so its CPU time says nothing about contention.
    const cpu = outcome.cpuMs !== undefined && backendRan !== 'webgpu' ? { cpuMs: outcome.cpuMs, wallMs, threads: devicesUsed } : undefined;
    const record: RunRecord = {
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
      // A backend that computes in another dtype (WGSL has no float64) returns that dtype: the record says so.
      ...(outcome.computedDtype || grid.dtype !== dtype ? { computedDtype: outcome.computedDtype ?? grid.dtype } : {}),
      ...(outcome.note ? { note: outcome.note } : {}),
      ...(outcome.peerVersions ? { peerVersions: outcome.peerVersions } : {}),
      ...answer?.fields,
    };
    if (answer && strategy.name === 'naive') {
      record.note = `wrong on purpose: the ${reduce} of f(x[i], y[i]), the diagonal only, not of the grid`;
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
function shapeErrorRecord(resolved: ResolvedRequest, error: ShapeError, failedMs: number, peakBytes: number, predictedBytes: number): RunRecord {
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
    if (values.length) out[key] = quantile(values.sort((a, b) => a - b), 0.5);
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
