// The engine's thread. It answers the host's calls (protocol.ts) with the
// engine's public API and nothing of its own: runs go through runStrategy,
// exactly as `vlab run` does, so the figures agree. It keeps one grid — the
// last run's — for export, and frees it before the next run so that run
// can recycle its buffer. It never touches the UI and never evaluates user
// text other than through the engine's formula parser.

import { totalmem } from 'node:os';
import { parentPort } from 'node:worker_threads';
import {
  type DType,
  type NDArray,
  type RunProgress,
  allocator,
  DEFAULT_FORMULA,
  FORMULA_PRESETS,
  GRID_RANGE,
  checkFormula,
  compileFormula,
  devices,
  guardRequest,
  jit,
  loadBackends,
  MemoryGuardError,
  NDArray as NDArrayClass,
  runStrategy,
  strategyAvailability,
  traceStrategies,
  vmap,
} from '../../compute/index.js';
import {
  jaxFileName,
  jaxProgram,
  machineInfo,
  measureLimit,
  parseSettings,
  recordsToCsv,
  runLessonStep,
  runSweep,
  settingsToJson,
  measureThreadScaling,
  cpuDevices,
  sweepToCsv,
} from '../../compute/index.js';
import { settledHeapUsed } from '../../compute/report/heap.js';
import { backendStatus, getBackend } from '../../compute/backends/registry.js';
import type { NativeBackend } from '../../compute/backends/native.js';
import { resultsJson } from '../../compute/report/jsonExport.js';
import { resultsToMarkdown } from '../../compute/report/markdown.js';
import { writeNpy } from '../../compute/report/npy.js';
import { axisValues, decimate, finiteRange, sampleIndices } from './decimate.js';
import { removeStalePartials, writeGridCsv } from './gridCsv.js';
import type { EngineMethod, EngineMethods, FromWorker, ParamsOf, ResultOf, SerializedError, ToWorker } from './protocol.js';
import type { EngineBuild, GridSettings, GuardEntry, SurfaceView } from '../contract.js';

/** For handlers whose failure is an answer (a bad formula, a file that is not settings): the error as a value. */
function errorAsValue<T>(work: () => T): T | { error: string } {
  try {
    return work();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The native addon as loaded (after loadBackends()), for the About panel. */
function engineBuild(): EngineBuild {
  const status = backendStatus('native');
  if (!status.available) return { nativeAddon: false, isa: null, reason: status.reason };
  return { nativeAddon: true, isa: (getBackend('native') as NativeBackend).describe().isa };
}

const port = parentPort;
if (!port) throw new Error('main/engine/worker.ts must run in a worker thread');

interface KeptGrid extends GridSettings {
  grid: NDArray;
}
let kept: KeptGrid | null = null;

function releaseKept(): void {
  kept?.grid.dispose();
  kept = null;
}

/** Progress messages at most this often: the channel to the window is not a log. */
const PROGRESS_INTERVAL_MS = 50;

type Handler<M extends EngineMethod> = (
  params: ParamsOf<M>,
  context: { signal: AbortSignal; progress: (value: unknown) => void },
) => Promise<ResultOf<M>> | ResultOf<M>;

const handlers: { [M in EngineMethod]: Handler<M> } = {
  async info() {
    await loadBackends();
    const list = devices();
    const native = list.filter((d) => d.backend === 'native').length;
    const machine = machineInfo();
    return {
      availability: await strategyAvailability(),
      devices: list,
      maxThreads: Math.max(1, native),
      defaultFormula: DEFAULT_FORMULA,
      formulaPresets: FORMULA_PRESETS.map((preset) => ({ ...preset })),
      gridRange: GRID_RANGE,
      engineBuild: engineBuild(),
      machine: {
        cpuModel: machine.cpuModel,
        cores: machine.cores,
        gpuAdapter: machine.gpuAdapter,
        os: machine.os,
        totalMemoryBytes: totalmem(),
      },
    };
  },

  checkFormula({ text }) {
    return checkFormula(text);
  },

  preview(settings) {
    return surfaceAtSamples(settings);
  },

  trace({ formula, nx, ny, xRange, yRange, dtype }) {
    return errorAsValue(() => traceStrategies(compileFormula(formula), { nx, ny, xRange, yRange }, dtype));
  },

  async guard(settings) {
    await loadBackends();
    const availability = await strategyAvailability();
    const entries: GuardEntry[] = [];
    for (const strategy of settings.strategies) {
      if (!availability.find((a) => a.strategy === strategy)?.available) continue;
      try {
        const { predictedBytes } = guardRequest({
          strategy,
          nx: settings.nx,
          ny: settings.ny,
          xRange: settings.xRange,
          yRange: settings.yRange,
          dtype: settings.dtype,
          formula: settings.formula,
          repeats: settings.repeats,
          ...(settings.devices > 0 ? { devices: settings.devices } : {}),
        });
        entries.push({ strategy, predictedBytes, fits: true });
      } catch (error) {
        if (!(error instanceof MemoryGuardError)) throw error;
        entries.push({ strategy, predictedBytes: error.neededBytes, fits: false, message: error.message });
      }
    }
    return { entries };
  },

  async run({ request, surface }, { signal, progress }) {
    // The kept grid's buffer goes back to the allocator, for this run to recycle.
    releaseKept();
    const result = await runStrategy(request, {
      signal,
      onProgress: (p: RunProgress) => progress(p),
      keepGrid: surface,
    });
    const grid = result.grid;
    if (!grid) return { record: result.record };
    if (grid.ndim !== 2) {
      grid.dispose();
      return { record: result.record };
    }
    const { nx, ny, xRange, yRange } = result.record;
    const settings: GridSettings = { nx, ny, xRange, yRange, dtype: grid.dtype, formula: result.record.formula };
    kept = { ...settings, grid };
    return { record: result.record, surface: viewOf(grid, settings, request.strategy) };
  },

  async limit({ nx, ny, xRange, yRange, dtype }) {
    return measureLimit({ nx, ny, xRange, yRange }, dtype);
  },

  async resultsText({ records, appVersion, format }) {
    await loadBackends();
    const machine = { ...machineInfo(), appVersion };
    if (format === 'json') return resultsJson({ records }, machine);
    if (format === 'markdown') return resultsToMarkdown({ records });
    return recordsToCsv(records, machine);
  },

  async exportGrid({ settings, path, format }, { signal, progress }) {
    let grid: NDArray;
    let owned = false;
    if (kept && sameGrid(kept, settings) && kept.dtype === settings.dtype && kept.formula === compileFormula(settings.formula).text) {
      grid = kept.grid;
    } else {
      // The grid asked for is not the one kept: compute it once, without timing repeats.
      releaseKept();
      const result = await runStrategy(
        { strategy: 'vmap', nx: settings.nx, ny: settings.ny, xRange: settings.xRange, yRange: settings.yRange, dtype: settings.dtype, formula: settings.formula, repeats: 0 },
        { signal, keepGrid: true },
      );
      grid = result.grid!;
      owned = true;
    }
    try {
      const onProgress = (fraction: number) => progress({ strategy: 'vmap', phase: 'check', fraction });
      if (format === 'npy') {
        await removeStalePartials(path);
        await writeNpy(path, { dtype: settings.dtype, shape: grid.shape, data: grid.data, offset: grid.offset, strides: grid.strides }, { signal, onProgress });
        return { rows: grid.size };
      }
      const xs = axisValues(settings.nx, settings.xRange, settings.dtype, sampleIndices(settings.nx, Number.MAX_SAFE_INTEGER));
      const ys = axisValues(settings.ny, settings.yRange, settings.dtype, sampleIndices(settings.ny, Number.MAX_SAFE_INTEGER));
      const rows = await writeGridCsv(
        path,
        { dtype: settings.dtype, xs, ys, data: grid.data, offset: grid.offset, strides: grid.strides as [number, number] },
        { signal, onProgress },
      );
      return { rows };
    } finally {
      if (owned) grid.dispose();
    }
  },

  async lessonStep({ step, formula, dtype, grid }, { signal, progress }) {
    return runLessonStep(step, { formula, dtype, ...(grid ? { grid } : {}), signal, onProgress: ({ fraction, strategy }) => progress({ fraction, label: strategy }) });
  },

  async sweep({ request }, { signal, progress }) {
    let entries: import('../../compute/classroom/index.js').SweepEntry[] = [];
    return runSweep(request, {
      signal,
      onEntry: (entry) => (entries = [...entries, entry]),
      onProgress: (p) => progress({ fraction: p.fraction, label: `${p.strategy} at n = ${p.n}`, entries }),
    });
  },

  async threadSweep({ n, dtype, formula }, { signal, progress }) {
    await loadBackends();
    const counts = Array.from({ length: cpuDevices().length }, (_, k) => k + 1);
    const points = await measureThreadScaling(n, dtype, 3, counts, {
      formula,
      signal,
      onPoint: (fraction, done) => progress({ fraction, label: `${done.length} of ${counts.length} thread counts` }),
    });
    return { n, dtype, formula, points };
  },

  async sweepCsv({ result, appVersion }) {
    await loadBackends();
    return sweepToCsv(result, { ...machineInfo(), appVersion });
  },

  jaxProgram(request) {
    return errorAsValue(() => ({ text: jaxProgram(request), fileName: jaxFileName(request) }));
  },

  parseSettings({ text }) {
    return errorAsValue(() => ({ settings: parseSettings(text) }));
  },

  settingsJson({ settings }) {
    return settingsToJson(settings);
  },

  memory() {
    const heapUsedBytes = settledHeapUsed();
    const { liveBytes, reservedBytes } = allocator.stats();
    return { heapUsedBytes, liveBytes, reservedBytes };
  },

  crash() {
    setTimeout(() => {
      throw new Error('the engine was asked to crash (test hook)');
    });
    return new Promise<never>(() => {});
  },
};

const previewFunctions = new Map<string, ReturnType<typeof jit>>();

function sameGrid(a: GridSettings, b: GridSettings): boolean {
  return a.nx === b.nx && a.ny === b.ny && a.xRange.join() === b.xRange.join() && a.yRange.join() === b.yRange.join();
}

/** The surface's sampled points along each axis: indices into the grid and their values, as the engine computes them. */
function sampledAxes(settings: GridSettings): { rows: Int32Array; cols: Int32Array; xs: Float64Array; ys: Float64Array } {
  const rows = sampleIndices(settings.nx);
  const cols = sampleIndices(settings.ny);
  return { rows, cols, xs: axisValues(settings.nx, settings.xRange, settings.dtype, rows), ys: axisValues(settings.ny, settings.yRange, settings.dtype, cols) };
}

function gridOf(settings: GridSettings): Pick<SurfaceView, 'nx' | 'ny' | 'xRange' | 'yRange'> {
  return { nx: settings.nx, ny: settings.ny, xRange: [settings.xRange[0], settings.xRange[1]], yRange: [settings.yRange[0], settings.yRange[1]] };
}

/** f at the sampled points of the nx × ny grid, computed by the engine (never by the renderer). */
function surfaceAtSamples(settings: GridSettings): SurfaceView {
  const { xs: xAxis, ys: yAxis } = sampledAxes(settings);
  const formula = compileFormula(settings.formula);
  let fn = previewFunctions.get(formula.text);
  if (!fn) {
    const f = formula.fn;
    fn = jit(vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] }));
    if (previewFunctions.size > 16) previewFunctions.clear();
    previewFunctions.set(formula.text, fn);
  }
  const xs = NDArrayClass.from(xAxis, settings.dtype);
  const ys = NDArrayClass.from(yAxis, settings.dtype);
  const mx = xAxis.length;
  const my = yAxis.length;
  try {
    const result = fn(xs, ys) as NDArray;
    try {
      let values: Float32Array;
      if (result.ndim === 2) {
        values = decimate(result.data, result.offset, result.strides as [number, number], identity(mx), identity(my));
      } else {
        // A formula in neither x nor y is a constant: the same value everywhere.
        values = new Float32Array(mx * my).fill(result.item());
      }
      return { ...gridOf(settings), dtype: settings.dtype, formula: formula.text, source: 'preview', xs: xAxis, ys: yAxis, values, ...finiteRange(values) };
    } finally {
      result.dispose();
    }
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

function viewOf(grid: NDArray, settings: GridSettings, source: SurfaceView['source']): SurfaceView {
  const { rows, cols, xs, ys } = sampledAxes(settings);
  const values = decimate(grid.data, grid.offset, grid.strides as [number, number], rows, cols);
  return { ...gridOf(settings), dtype: settings.dtype, formula: settings.formula, source, xs, ys, values, ...finiteRange(values) };
}

function identity(m: number): Int32Array {
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = k;
  return out;
}

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const out: SerializedError = { name: error.name, message: error.message || `${error.name} (no message)` };
  const extra = error as Error & Partial<Record<'position' | 'length' | 'neededBytes' | 'availableBytes', unknown>>;
  for (const key of ['position', 'length', 'neededBytes', 'availableBytes'] as const) {
    if (typeof extra[key] === 'number') out[key] = extra[key];
  }
  return out;
}

const controllers = new Map<number, AbortController>();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** The typed arrays of a surface view move to the host without a copy. */
function transferables(value: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const visit = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
      return;
    }
    for (const child of Object.values(v)) if (child && typeof child === 'object' && !Array.isArray(child)) visit(child);
  };
  visit(value);
  return out;
}

port.on('message', async (message: ToWorker) => {
  if (message.type === 'cancel') {
    controllers.get(message.id)?.abort();
    return;
  }
  const { id, method, params } = message;
  const controller = new AbortController();
  controllers.set(id, controller);
  let lastProgress = 0;
  const progress = (value: unknown) => {
    const now = performance.now();
    if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    post({ type: 'progress', id, progress: value });
  };
  try {
    const handler = handlers[method] as Handler<EngineMethod>;
    const value = await handler(params as never, { signal: controller.signal, progress });
    post({ type: 'result', id, value }, transferables(value));
  } catch (error) {
    post({ type: 'error', id, error: serializeError(error) });
  } finally {
    controllers.delete(id);
  }
});

post({ type: 'ready' });
