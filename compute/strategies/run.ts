// Runs one strategy as a measured experiment: checks the predicted memory
// before allocating anything, measures the allocator's peak over the run,
// compares with the float64 reference and returns the record. Every shell
// (CLI, app engine, tests) runs strategies through here. Two doors, one run:
// runStrategy validates a request from the API or the CLI (requestSchema.ts);
// runChecked takes one validated where it entered (checkedRequest.ts: the
// app's) and never checks it again. Either way the request is resolved once.

import { ENGINE_MAX_N } from '../limits.js';
import { allocator } from '../core/allocator.js';
import type { NDArray } from '../core/ndarray.js';
import type { BackendName } from '../backends/backend.js';
import { loadBackends } from '../backends/registry.js';
import { probePython } from '../peers/python.js';
import { checkAgainstReference } from './reference.js';
import { STRATEGIES } from './index.js';
import { checkRunRequest } from './requestSchema.js';
import { RunRequestError, StrategyUnavailableError, type StrategyOutcome } from './strategy.js';
import { ShapeError } from '../core/shape.js';
import { isAnswer } from './answer.js';
import { checkAnswer } from './answerRecord.js';
import { placeOnRoofline } from '../machine/place.js';
import type { CheckedRunRequest } from './checkedRequest.js';
import { DEFAULT_REPEATS, defaultBackend, loadFor, resolve } from './resolve.js';
import { guardChecked, guardRequest, guardResolved } from './runGuard.js';
import { measuredRecord, shapeErrorRecord } from './runRecord.js';
import type { RunProgress, RunRecord, RunRequest, StrategyAvailability, StrategyName } from './types.js';

export {
  DEFAULT_REPEATS,
  defaultBackend,
  loadFor,
  guardChecked,
  guardRequest,
  RunRequestError,
  StrategyUnavailableError,
};
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

/** A run asked for through the API or the CLI: its request is checked against the schema here, once. */
export async function runStrategy(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
  return runChecked(checkRunRequest(request), options);
}

/** A run whose request was validated where it entered (the app's boundary): resolved once, never checked again. */
export async function runChecked(request: CheckedRunRequest, options: RunOptions = {}): Promise<RunResult> {
  await loadFor([request.strategy], request.backend);
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
    const measured = measuredRecord(resolved, outcome, { grid, peakBytes, predictedBytes, check }, answer);
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

/** Every strategy with whether it can run on the given backend here, and why not, once every probe has settled. */
export async function strategyAvailability(backend?: BackendName): Promise<StrategyAvailability[]> {
  await Promise.all([loadBackends(), probePython()]);
  return availabilityNow(backend);
}

/**
 * Every strategy's availability as far as this process knows now, without waiting: one whose backend is still loading
 * or whose Python is still being probed is `pending`.
 */
export function availabilityNow(backend?: BackendName): StrategyAvailability[] {
  const chosen = backend ?? defaultBackend();
  return STRATEGIES.map((s) => {
    const status = s.availability(chosen);
    return {
      strategy: s.name as StrategyName,
      available: status.available,
      ...(status.available ? {} : { reason: status.reason }),
      ...(!status.available && status.pending ? { pending: true as const } : {}),
      description: s.description,
    };
  });
}
