// What the engine process does for each method of the protocol (protocol.ts),
// with the engine's public API and nothing of its own: runs go through
// runStrategy, exactly as `vlab run` does, so the figures agree; the surface
// comes from compute's surface module. A handler reports progress typed by
// its method and fails by throwing: the RPC loop (worker.ts) turns the error
// into the contract's LabError. It never touches the UI and never evaluates
// user text other than through the engine's formula parser.

import { totalmem } from 'node:os';
import {
  type NDArray,
  allocator,
  DEFAULT_FORMULA,
  FORMULA_PRESETS,
  GRID_RANGE,
  axisValues,
  checkFormula,
  compileFormula,
  cpuDevices,
  devices,
  guardRequest,
  jaxExport,
  loadBackends,
  machineInfo,
  measureLimit,
  measureThreadScaling,
  defaultThreadCounts,
  threadScalingFit,
  MemoryGuardError,
  parseSettings,
  recordsToCsv,
  runLessonStep,
  runStrategy,
  runSweep,
  sampleIndices,
  settingsToJson,
  strategyAvailability,
  surfaceOfGrid,
  surfacePreview,
  sweepGridText,
  sweepToCsv,
  traceStrategies,
  type SweepEntry,
  settledHeapUsed,
  backendStatus,
  getBackend,
  type NativeBackend,
  resultsJson,
  resultsToMarkdown,
  writeNpy,
  calibrate,
  machineProfile,
  profilePath,
  roofs,
  isAnswer,
} from '../../compute/index.js';
import { existsSync } from 'node:fs';
import { removeStalePartials, writeGridCsv } from './gridCsv.js';
import { KeptGrid } from './keptGrid.js';
import { runRequestOf } from '../runRequest.js';
import type { EngineMethod, ParamsOf, ProgressOf, ResultOf } from './protocol.js';
import type { EngineBuild, GridSettings, GuardEntry } from '../contract.js';

export interface HandlerContext<M extends EngineMethod> {
  signal: AbortSignal;
  /** Progress of this call, in its method's type (never, for a method that has none). */
  progress: (value: ProgressOf<M>) => void;
}

export type Handler<M extends EngineMethod> = (
  params: ParamsOf<M>,
  context: HandlerContext<M>,
) => Promise<ResultOf<M>> | ResultOf<M>;

export type Handlers = { [M in EngineMethod]: Handler<M> };

/** The native addon as loaded (after loadBackends()), for the About panel. */
function engineBuild(): EngineBuild {
  const status = backendStatus('native');
  if (!status.available) return { nativeAddon: false, isa: null, reason: status.reason };
  const { isa, lanesFloat32, lanesFloat64 } = (getBackend('native') as NativeBackend).describe();
  return { nativeAddon: true, isa, lanes: { float32: lanesFloat32, float64: lanesFloat64 } };
}

let keptProfileLoad: Promise<unknown> | null = null;

/**
 * This machine's profile, where an earlier launch or `vlab machine` kept it in
 * the data folder, made the one this engine's records are placed against
 * (once per process; a missing or damaged file leaves records unplaced).
 */
function loadKeptProfile(): Promise<unknown> {
  keptProfileLoad ??= profilePath()
    .then((path) => (existsSync(path) ? machineProfile({}) : null))
    .catch(() => null);
  return keptProfileLoad;
}

/** Every index of an axis of n points: the CSV export writes the whole grid. */
const ALL_POINTS = Number.MAX_SAFE_INTEGER;

/** The handlers of one engine thread, sharing its kept grid. */
export function engineHandlers(kept = new KeptGrid()): Handlers {
  return {
    async 'engine:info'() {
      await Promise.all([loadBackends(), loadKeptProfile()]);
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

    'formula:check'({ text }) {
      return checkFormula(text);
    },

    'surface:preview'(settings) {
      return surfacePreview(settings);
    },

    'graph:trace'({ formula, nx, ny, xRange, yRange, dtype, reduce }) {
      return traceStrategies(compileFormula(formula), { nx, ny, xRange, yRange }, dtype, reduce);
    },

    async 'run:guard'(settings) {
      await loadBackends();
      const availability = await strategyAvailability();
      const entries: GuardEntry[] = [];
      for (const strategy of settings.strategies) {
        if (!availability.find((a) => a.strategy === strategy)?.available) continue;
        try {
          const { predictedBytes } = guardRequest(runRequestOf(settings, strategy));
          entries.push({ strategy, predictedBytes, fits: true });
        } catch (error) {
          if (!(error instanceof MemoryGuardError)) throw error;
          entries.push({ strategy, predictedBytes: error.neededBytes, fits: false, message: error.message });
        }
      }
      return { entries };
    },

    async 'engine:run'({ request, surface }, { signal, progress }) {
      // The kept grid's buffer goes back to the allocator, for this run to recycle.
      kept.release();
      await loadKeptProfile();
      // A run to a number has no grid for the surface: none is kept.
      const keepGrid = surface && !isAnswer(request.reduce);
      const result = await runStrategy(request, { signal, onProgress: progress, keepGrid });
      const grid = result.grid;
      if (!grid) return { record: result.record };
      if (grid.ndim !== 2) {
        grid.dispose();
        return { record: result.record };
      }
      const { nx, ny, xRange, yRange, formula } = result.record;
      const settings: GridSettings = { nx, ny, xRange, yRange, dtype: grid.dtype, formula };
      kept.keep(grid, settings);
      return { record: result.record, surface: surfaceOfGrid(grid, settings, request.strategy) };
    },

    'live:calibrate': (request, { signal }) => calibrate(request, signal),

    async 'engine:machineProfile'({ dataDir, measure, refresh }, { signal, progress }) {
      // A kept profile is read (never measured) unless the request says measure.
      if (!measure && !refresh && !existsSync(await profilePath(dataDir))) return null;
      const kept = await machineProfile({ dataDir, refresh, signal, onProgress: progress });
      return {
        profile: kept.profile,
        measured: kept.measured,
        roofs: { float32: roofs(kept.profile, 'float32'), float64: roofs(kept.profile, 'float64') },
      };
    },

    async 'engine:limit'({ nx, ny, xRange, yRange, dtype }) {
      return measureLimit({ nx, ny, xRange, yRange }, dtype);
    },

    async 'engine:results-text'({ records, appVersion, format }) {
      await loadBackends();
      const machine = { ...machineInfo(), appVersion };
      if (format === 'json') return resultsJson({ records }, machine);
      if (format === 'markdown') return resultsToMarkdown({ records });
      return recordsToCsv(records, machine);
    },

    async 'engine:grid-file'({ settings, path, format }, { signal, progress }) {
      let grid = kept.matching(settings);
      const owned = grid === null;
      if (!grid) {
        // The grid asked for is not the one kept: compute it once, without timing repeats.
        kept.release();
        const { nx, ny, xRange, yRange, dtype, formula } = settings;
        const result = await runStrategy(
          { strategy: 'vmap', nx, ny, xRange, yRange, dtype, formula, repeats: 0 },
          { signal, keepGrid: true },
        );
        grid = result.grid!;
      }
      try {
        const onProgress = (fraction: number) => progress({ fraction });
        if (format === 'npy') {
          await removeStalePartials(path);
          await writeNpy(
            path,
            { dtype: settings.dtype, shape: grid.shape, data: grid.data, offset: grid.offset, strides: grid.strides },
            { signal, onProgress },
          );
          return { rows: grid.size };
        }
        const xs = axisValues(settings.nx, settings.xRange, settings.dtype, sampleIndices(settings.nx, ALL_POINTS));
        const ys = axisValues(settings.ny, settings.yRange, settings.dtype, sampleIndices(settings.ny, ALL_POINTS));
        const rows = await writeGridCsv(
          path,
          {
            dtype: settings.dtype,
            xs,
            ys,
            data: grid.data,
            offset: grid.offset,
            strides: grid.strides as [number, number],
          },
          { signal, onProgress },
        );
        return { rows };
      } finally {
        if (owned) (grid as NDArray).dispose();
      }
    },

    async 'classroom:lesson'({ step, formula, dtype, grid }, { signal, progress }) {
      // The roofline step places its runs on this machine's profile, where one is kept.
      await loadKeptProfile();
      return runLessonStep(step, {
        formula,
        dtype,
        ...(grid ? { grid } : {}),
        signal,
        onProgress: ({ fraction, strategy }) => progress({ fraction, label: strategy }),
      });
    },

    async 'classroom:sweep'({ sweep }, { signal, progress }) {
      let entries: SweepEntry[] = [];
      // The app's sweeps always time the write floor beside the strategies.
      return runSweep(
        { ...sweep, limit: true },
        {
          signal,
          onEntry: (entry) => (entries = [...entries, entry]),
          onProgress: (p) => progress({ fraction: p.fraction, label: `${p.strategy} at ${sweepGridText(p)}`, entries }),
        },
      );
    },

    async 'classroom:threads'({ sweep: settings }, { signal, progress }) {
      await loadBackends();
      const { nx, ny, xRange, yRange, dtype, formula } = settings;
      const cores = cpuDevices().length;
      const counts = defaultThreadCounts(cores);
      const points = await measureThreadScaling({ nx, ny, xRange, yRange }, dtype, 3, counts, {
        formula,
        signal,
        onPoint: (fraction, done) => progress({ fraction, label: `${done.length} of ${counts.length} thread counts` }),
      });
      return { nx, ny, xRange, yRange, dtype, formula, points, cores, amdahl: threadScalingFit(points, cores) };
    },

    async 'engine:sweep-csv'({ result, appVersion }) {
      await loadBackends();
      return sweepToCsv(result, { ...machineInfo(), appVersion });
    },

    'classroom:jax'(request) {
      return jaxExport(request);
    },

    'settings:parse'({ text }) {
      return { settings: parseSettings(text) };
    },

    'engine:settings-json'({ settings }) {
      return settingsToJson(settings);
    },

    'engine:memory'() {
      const heapUsedBytes = settledHeapUsed();
      const { liveBytes, reservedBytes } = allocator.stats();
      return { heapUsedBytes, liveBytes, reservedBytes, rssBytes: process.memoryUsage().rss };
    },

    'engine:crash'() {
      setTimeout(() => {
        throw new Error('the engine was asked to crash (test hook)');
      });
      return new Promise<never>(() => {});
    },

    'engine:abort'() {
      // As C's abort() does, which is what Dawn calls: SIGABRT, no JavaScript stack.
      setTimeout(() => process.kill(process.pid, 'SIGABRT'));
      return new Promise<never>(() => {});
    },
  };
}
