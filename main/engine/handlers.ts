// What the engine process does for each method of the protocol (protocol.ts),
// with the engine's public API and nothing of its own: runs go through
// runChecked, as `vlab run` does, so the figures agree; the surface
// comes from compute's surface module. A handler reports progress typed by
// its method and fails by throwing: the RPC loop (worker.ts) turns the error
// into the contract's LabError. It never touches the UI and never evaluates
// user text other than through the engine's formula parser.

import {
  allocator,
  checkFormula,
  compileFormula,
  cpuDevices,
  guardChecked,
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
  runChecked,
  runSweep,
  settingsToJson,
  availabilityNow,
  loadFor,
  surfaceOfGrid,
  surfacePreview,
  sweepGridText,
  sweepToCsv,
  traceStrategies,
  type SweepEntry,
  settledHeapUsed,
  resultsJson,
  resultsToMarkdown,
  calibrate,
  machineProfile,
  profilePath,
  roofs,
  isAnswer,
} from '../../compute/index.js';
import { existsSync } from 'node:fs';
import { engineInfo, engineProbes } from './engineInfo.js';
import { writeGridFile } from './gridFile.js';
import { loadKeptProfile } from './keptProfile.js';
import { KeptGrid } from './keptGrid.js';
import { runRequestOf } from '../runRequest.js';
import type { EngineMethod, ParamsOf, ProgressOf, ResultOf } from './protocol.js';
import type { GridSettings, GuardEntry } from '../contract.js';

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

/** The handlers of one engine thread, sharing its kept grid. */
export function engineHandlers(kept = new KeptGrid()): Handlers {
  return {
    'engine:info': engineInfo,
    'engine:probes': engineProbes,

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
      // Only what the asked strategies need: the opening grid's guard never waits for Dawn's adapter or Python.
      await loadFor(settings.strategies);
      const availability = availabilityNow();
      const entries: GuardEntry[] = [];
      for (const strategy of settings.strategies) {
        if (!availability.find((a) => a.strategy === strategy)?.available) continue;
        try {
          const { predictedBytes } = guardChecked(runRequestOf(settings, strategy));
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
      const result = await runChecked(request, { signal, onProgress: progress, keepGrid });
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

    'engine:grid-file': (params, context) => writeGridFile(kept, params, context),

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
