// A checked run request resolved once per run: the strategy found, the defaults filled in, the formula compiled. The
// guard and the run both read the one resolution, so the formula is never compiled twice. Never validates: the
// request was checked where it entered (checkedRequest.ts).

import type { DType } from '../core/dtype.js';
import type { BackendName } from '../backends/backend.js';
import { backendStatus } from '../backends/registry.js';
import { compileFormula, type CompiledFormula } from '../formula/index.js';
import { findStrategy } from './index.js';
import type { Strategy } from './strategy.js';
import type { CheckedRunRequest } from './checkedRequest.js';
import { DEFAULT_FORMULA, type GridSpec, type ReduceMode } from './types.js';

export const DEFAULT_REPEATS = 3;

/** The fastest single-device backend this process has: native when it loaded, else js. */
export function defaultBackend(strategy?: string): BackendName {
  // loops is one call per element: crossing into C++ per call costs more than
  // the JS backend's in-thread call, so its fastest backend is js.
  if (strategy === 'loops') return 'js';
  return backendStatus('native').available ? 'native' : 'js';
}

export interface ResolvedRequest {
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

export function resolve(request: CheckedRunRequest): ResolvedRequest {
  const { nx, ny, xRange, yRange } = request;
  return {
    strategy: findStrategy(request.strategy)!,
    grid: { nx, ny, xRange, yRange },
    dtype: request.dtype ?? 'float32',
    backend: request.backend ?? defaultBackend(request.strategy),
    formula: compileFormula(request.formula ?? DEFAULT_FORMULA),
    repeats: request.repeats ?? DEFAULT_REPEATS,
    devices: request.devices ?? 0,
    ...(request.memoryCapBytes !== undefined ? { memoryCapBytes: request.memoryCapBytes } : {}),
    reduce: request.reduce ?? 'grid',
  };
}
