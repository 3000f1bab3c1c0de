// A checked run request resolved once per run: the strategy found, the defaults filled in, the formula compiled. The
// guard and the run both read the one resolution, so the formula is never compiled twice. Never validates: the
// request was checked where it entered (checkedRequest.ts).

import type { DType } from '../core/dtype.js';
import type { BackendName } from '../backends/backend.js';
import { backendStatus, CPU_BACKENDS, loadBackends } from '../backends/registry.js';
import { probePython } from '../peers/python.js';
import { compileFormula, type CompiledFormula } from '../formula/index.js';
import { findStrategy } from './index.js';
import type { Strategy } from './strategy.js';
import type { CheckedRunRequest } from './checkedRequest.js';
import { DEFAULT_FORMULA, type GridSpec, type ReduceMode, type StrategyName } from './types.js';

export const DEFAULT_REPEATS = 3;

/** The fastest single-device backend this process has: native when it loaded, else js. */
export function defaultBackend(strategy?: string): BackendName {
  // loops is one call per element: crossing into C++ per call costs more than
  // the JS backend's in-thread call, so its fastest backend is js.
  if (strategy === 'loops') return 'js';
  return backendStatus('native').available ? 'native' : 'js';
}

/**
 * Loads what these strategies need (Strategy.needs) and only that, before they resolve: the CPU's backends always
 * (the default backend is chosen among them), with the backend asked for, Dawn for the GPU, Python for a peer.
 */
export async function loadFor(names: readonly StrategyName[], backend?: BackendName): Promise<void> {
  const strategies = names.map(findStrategy).filter((s) => s !== undefined);
  const backends = new Set<BackendName>(CPU_BACKENDS);
  if (backend) backends.add(backend);
  if (strategies.some((s) => s.needs === 'webgpu')) backends.add('webgpu');
  const python = strategies.some((s) => s.needs === 'python');
  await Promise.all([loadBackends([...backends]), python ? probePython() : undefined]);
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
