// The engine's one entry point. main/, the CLI and tests import from here;
// the renderer imports types only.

export type { DType, FloatArray } from './core/dtype.js';
export type { Grid } from './core/grid.js';
export { DTYPES, itemSize } from './core/dtype.js';
export { NDArray } from './core/ndarray.js';
export { allocator, Allocator, type AllocationStats } from './core/allocator.js';
export { linspace, arange, meshgrid, type MeshgridIndexing } from './core/creation.js';
export { allclose, isclose, maxAbsDiff, type AllcloseOptions } from './core/allclose.js';
export { broadcastShapes, formatShape, sizeOf, ShapeError, type Shape } from './core/shape.js';
export { type Graph, type AbstractValue, printGraph } from './core/graph.js';
export {
  ALL_PRIMITIVES,
  ELEMENTWISE_PRIMITIVES,
  REDUCTION_PRIMITIVES,
  COLLECTIVE_PRIMITIVES,
  type Primitive,
} from './core/primitives.js';
export { type Value, Tracer, traceFunction } from './core/trace.js';

export { np, lax } from './ops.js';
export { jit, type JittedFunction, type JitOptions } from './transforms/jit.js';
export { vmap, type VmapOptions, type InAxes, type OutAxes } from './transforms/vmap.js';
export { pmap, cpuDevices, type PmapOptions, type PmappedFunction } from './transforms/pmap.js';
export { makeJaxpr } from './transforms/makeJaxpr.js';

export type { BackendName, Device, RunControl, ExecutionTimings } from './backends/backend.js';
export { CancelledError, BACKEND_NAMES } from './backends/backend.js';
export {
  backendStatus,
  backendStatuses,
  CPU_BACKENDS,
  devices,
  getBackend,
  loadBackends,
} from './backends/registry.js';
export { configureNativeThreads, type NativeBackend } from './backends/native.js';
export { settledHeapUsed } from './report/heap.js';

export {
  compileFormula,
  checkFormula,
  parseFormula,
  FormulaError,
  FORMULA_PRESETS,
  type CompiledFormula,
  type FormulaCheck,
  type FormulaPreset,
} from './formula/index.js';

export * from './strategies/types.js';
export { STRATEGIES } from './strategies/index.js';
export {
  runStrategy,
  runChecked,
  strategyAvailability,
  availabilityNow,
  loadFor,
  guardRequest,
  guardChecked,
  defaultBackend,
  RunRequestError,
  StrategyUnavailableError,
  DEFAULT_REPEATS,
  MAX_N,
  type RunOptions,
  type RunResult,
} from './strategies/run.js';
export { checkRunRequest } from './strategies/requestSchema.js';
export { asCheckedRunRequest, type CheckedRunRequest } from './strategies/checkedRequest.js';
export { MemoryGuardError, formatBytes, memoryCap } from './strategies/memoryGuard.js';
export { isAnswer } from './strategies/answer.js';
export { TOLERANCES } from './strategies/reference.js';
export { traceStrategies, type TracedGraph, type TracedView } from './strategies/traced.js';
export { measureLimit } from './strategies/limit.js';
export { surfaceOfGrid, surfacePreview, type GridSettings, type SurfaceView } from './strategies/surface.js';
export { MAX_SURFACE_SIDE, axisValues, sampleIndices } from './strategies/decimate.js';

// Reports: CSV, the JSON document, Markdown and .npy exports, and the machine it was measured on.
export { recordsToCsv } from './report/csv.js';
export {
  resultsDocument,
  resultsJson,
  type ResultsDocument,
  type RefusedRun,
  type SkippedRun,
} from './report/jsonExport.js';
export { resultsToMarkdown } from './report/markdown.js';
export { npyHeader, writeNpy, type NpySource } from './report/npy.js';
export { spreadOf, noisyVerdict, type Spread, type NoisyVerdict } from './strategies/spread.js';
export { machineInfo, type MachineInfo } from './report/machine.js';

// The machine view: caches, bandwidth, peak arithmetic, the roofline, Amdahl's fit.
export * from './machine/index.js';
export {
  calibrate,
  fitLine,
  type CalibrationRequest,
  type CalibrationResult,
  type StrategyCalibration,
} from './strategies/calibrate.js';
export { defaultDataDir } from './dataDir.js';

// The classroom: lesson steps, sweeps, "take it to JAX", shareable settings.
export * from './classroom/index.js';
export {
  measureThreadScaling,
  threadCounts,
  defaultThreadCounts,
  threadScalingFit,
  ThreadScalingError,
  type ThreadPoint,
} from './strategies/threadScaling.js';
