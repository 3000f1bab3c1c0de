// What the app does for its window, whichever shell hosts it (Electron's IPC
// or the web shell's WebSocket): one handler per contract channel, over two
// engine workers — one for runs and grid export, one that stays free for
// quick answers (formula checks, the surface preview, the memory guard) while
// a run takes minutes. Requests arrive here already validated. Files are
// saved through the shell's own saver (a native dialog, or a download).

import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunProgress, RunRecord, StrategyName } from '../compute/index.js';
import type {
  AppInfo,
  EventMap,
  EventName,
  InvokeChannel,
  RequestOf,
  ResponseOf,
  ClassroomProgress,
  RunBatchRequest,
  RunBatchResult,
  RunFailure,
  ResultsFormat,
  SaveOutcome,
  Theme,
} from './contract.js';
import { engineWorkerEntry } from './engine/entry.js';
import { APP_GRID_LIMITS } from '../compute/limits.js';
import { LAB_STRATEGY_NAMES, PEER_STRATEGY_NAMES } from '../compute/strategies/types.js';
import { EngineCrashedError, EngineError, EngineHost } from './engine/host.js';
import { ResultsLog } from './resultsLog.js';
import { SettingsStore } from './settingsStore.js';
import { removeStalePartials } from './engine/gridCsv.js';
import type { SweepResult } from '../compute/index.js';

/** Each results format's file extension and save-dialog filter. */
const RESULTS_FILES: Record<ResultsFormat, { extension: string; filter: SaveRequest['filter'] }> = {
  csv: { extension: 'csv', filter: { name: 'CSV', extensions: ['csv'] } },
  json: { extension: 'json', filter: { name: 'JSON', extensions: ['json'] } },
  markdown: { extension: 'md', filter: { name: 'Markdown', extensions: ['md'] } },
};

export interface SaveRequest {
  /** Suggested file name, e.g. vlab-results-2026-11-25.csv. */
  fileName: string;
  filter: { name: string; extensions: string[] };
  /** Writes the file at the path the user (or the shell) chose. */
  write: (path: string) => Promise<void>;
}

export interface ShellHooks {
  shell: AppInfo['shell'];
  appVersion: string;
  /** The app's data folder: results log, downloads. */
  dataDir: string;
  save(request: SaveRequest): Promise<SaveOutcome>;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  /** The desktop's own chrome follows the theme picker (Electron's nativeTheme); the web shell has none, and passes nothing. */
  setTheme?(theme: Theme): void;
}

/** Run loops last: it can take minutes, and the others' bars should not wait for it. */
function executionOrder(strategies: readonly StrategyName[]): StrategyName[] {
  return [...strategies.filter((s) => s !== 'loops'), ...strategies.filter((s) => s === 'loops')];
}

export function failureOf(strategy: RunFailure['strategy'], error: unknown): RunFailure {
  const raw = error instanceof Error ? error.message || error.name : String(error);
  const message = raw || 'the engine stopped without saying why';
  const name = error instanceof Error ? error.name : '';
  if (name === 'CancelledError') return { strategy, kind: 'cancelled', message };
  if (name === 'MemoryGuardError') return { strategy, kind: 'guard', message };
  if (error instanceof EngineCrashedError) return { strategy, kind: 'crash', message };
  return { strategy, kind: 'error', message };
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export class LabService {
  private readonly runEngine: EngineHost;
  private readonly quickEngine: EngineHost;
  private readonly log: ResultsLog;
  private readonly settings: SettingsStore;
  private active: { runId: string; controller: AbortController } | null = null;
  private exporting: AbortController | null = null;
  /** The classroom's lesson step or sweep in progress, and the last sweep (kept for its CSV export). */
  private classroomTask: { taskId: string; controller: AbortController } | null = null;
  private lastSweep: { taskId: string; result: SweepResult } | null = null;

  constructor(
    private readonly hooks: ShellHooks,
    appRoot: string,
  ) {
    const entry = engineWorkerEntry(appRoot);
    const onCrash = (message: string) => hooks.emit('engine:crashed', { message });
    this.runEngine = new EngineHost({ entry, label: 'run engine', onCrash });
    this.quickEngine = new EngineHost({ entry, label: 'preview engine', onCrash });
    this.log = new ResultsLog(join(hooks.dataDir, 'results.jsonl'), randomUUID());
    this.settings = new SettingsStore(hooks.dataDir, {
      toJson: (settings) => this.quickEngine.call('settingsJson', { settings }),
      parse: (text) => this.quickEngine.call('parseSettings', { text }),
    });
  }

  /** For tests and the test hook: the engine that runs strategies. */
  get engine(): EngineHost {
    return this.runEngine;
  }

  /** For tests: both engine threads, to read their memory. */
  get engines(): { run: EngineHost; preview: EngineHost } {
    return { run: this.runEngine, preview: this.quickEngine };
  }

  async handle<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const handler = this.handlers[channel] as (request: RequestOf<C>) => Promise<ResponseOf<C>>;
    return handler(request);
  }

  async close(): Promise<void> {
    this.active?.controller.abort();
    this.exporting?.abort();
    await Promise.all([this.runEngine.close(), this.quickEngine.close()]);
  }

  private readonly handlers: { [C in InvokeChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> } = {
    'app:info': async () => {
      const info = await this.quickEngine.call('info', null);
      return {
        appVersion: this.hooks.appVersion,
        shell: this.hooks.shell,
        machine: { ...info.machine, appVersion: this.hooks.appVersion },
        availability: info.availability,
        devices: info.devices,
        maxThreads: info.maxThreads,
        defaultFormula: info.defaultFormula,
        formulaPresets: info.formulaPresets,
        gridRange: info.gridRange,
        strategies: { lab: LAB_STRATEGY_NAMES, peers: PEER_STRATEGY_NAMES },
        limits: APP_GRID_LIMITS,
        engineBuild: info.engineBuild,
        previousSession: await this.log.previousSession(),
        resultsFile: this.log.path,
      };
    },

    'formula:check': (request) => this.quickEngine.call('checkFormula', request),

    'surface:preview': async (request) => {
      try {
        return await this.quickEngine.call('preview', request);
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    },

    'run:guard': (request) => this.quickEngine.call('guard', request),

    'graph:trace': (request) => this.quickEngine.call('trace', request),

    'run:start': (request) => this.runBatch(request),

    'run:cancel': async ({ runId }) => {
      if (this.active?.runId !== runId) return { cancelled: false };
      this.active.controller.abort();
      return { cancelled: true };
    },

    'session:restore': async () => {
      const previous = await this.log.previousSession();
      if (!previous) return { records: [] };
      await this.log.markHandled(previous.sessionId, previous.records);
      return { records: previous.records };
    },

    'session:dismiss': async () => {
      const previous = await this.log.previousSession();
      if (previous) await this.log.markHandled(previous.sessionId);
      return null;
    },

    'export:results': async ({ records, format = 'csv' }) => {
      const text = await this.quickEngine.call('resultsText', { records, appVersion: this.hooks.appVersion, format });
      const { extension, filter } = RESULTS_FILES[format];
      return this.hooks.save({
        fileName: `vlab-results-${today()}.${extension}`,
        filter,
        write: (path) => writeFile(path, text, 'utf8'),
      });
    },

    'export:grid': async ({ format = 'csv', ...settings }) => {
      if (this.exporting) throw new Error('a grid export is already being written; wait for it to finish');
      return this.hooks.save({
        fileName: `vlab-grid-${settings.nx === settings.ny ? `n${settings.nx}` : `${settings.nx}x${settings.ny}`}-${settings.dtype}.${format}`,
        filter: format === 'npy' ? { name: 'NumPy array', extensions: ['npy'] } : { name: 'CSV', extensions: ['csv'] },
        write: async (path) => {
          if (this.exporting) throw new Error('a grid export is already being written; wait for it to finish');
          this.exporting = new AbortController();
          try {
            await this.runEngine.call('exportGrid', { settings, path, format }, { signal: this.exporting.signal });
          } catch (error) {
            // A killed engine cannot remove its half-written file: main does, so only the old file remains.
            if (error instanceof EngineCrashedError) await removeStalePartials(path);
            throw error;
          } finally {
            this.exporting = null;
          }
        },
      });
    },

    'export:png': async ({ png }) => {
      return this.hooks.save({
        fileName: `vlab-surface-${today()}.png`,
        filter: { name: 'PNG image', extensions: ['png'] },
        write: (path) => writeFile(path, png),
      });
    },

    'classroom:lesson': ({ taskId, step, formula, dtype, grid }) =>
      this.classroomRun(taskId, (signal, onProgress) => this.runEngine.call('lessonStep', { step, formula, dtype, ...(grid ? { grid } : {}) }, { signal, onProgress })),

    'classroom:sweep': async ({ taskId, sweep }) => {
      const result = await this.classroomRun(taskId, (signal, onProgress) =>
        this.runEngine.call('sweep', { request: { ...sweep, limit: true } }, { signal, onProgress }),
      );
      this.lastSweep = { taskId, result };
      return result;
    },

    'classroom:threads': ({ taskId, sweep }) =>
      this.classroomRun(taskId, (signal, onProgress) => this.runEngine.call('threadSweep', sweep, { signal, onProgress })),

    'classroom:cancel': async ({ taskId }) => {
      if (this.classroomTask?.taskId !== taskId) return { cancelled: false };
      this.classroomTask.controller.abort();
      return { cancelled: true };
    },

    'classroom:jax': (request) => this.quickEngine.call('jaxProgram', request),

    'export:python': async (request) => {
      const program = await this.quickEngine.call('jaxProgram', request);
      if ('error' in program) throw new Error(program.error);
      return this.hooks.save({
        fileName: program.fileName,
        filter: { name: 'Python', extensions: ['py'] },
        write: (path) => writeFile(path, program.text, 'utf8'),
      });
    },

    'export:sweep': async ({ taskId }) => {
      const kept = this.lastSweep;
      if (!kept || kept.taskId !== taskId) throw new Error('only the last sweep is kept for export: run it again to export it');
      const { entries, dtype, backend, formula, xRange, yRange } = kept.result;
      const csv = await this.quickEngine.call('sweepCsv', { result: { entries, dtype, backend, formula, xRange, yRange }, appVersion: this.hooks.appVersion });
      return this.hooks.save({
        fileName: `vlab-sweep-${today()}.csv`,
        filter: { name: 'CSV', extensions: ['csv'] },
        write: (path) => writeFile(path, csv, 'utf8'),
      });
    },

    'settings:save': async ({ settings }) => {
      const text = await this.quickEngine.call('settingsJson', { settings });
      return this.hooks.save({
        fileName: 'lab.vlab.json',
        filter: { name: 'Vectorization Lab settings', extensions: ['json'] },
        write: (path) => writeFile(path, text, 'utf8'),
      });
    },

    'settings:parse': ({ text }) => this.quickEngine.call('parseSettings', { text }),

    'settings:remember': async ({ settings }) => {
      await this.settings.remember(settings);
      return null;
    },

    'settings:restore': () => this.settings.restore(),

    'theme:set': async ({ theme }) => {
      this.hooks.setTheme?.(theme);
      return null;
    },
  };

  /** Runs one classroom task on the run engine, with progress events and cancel; one at a time, never beside a run. */
  private async classroomRun<T>(taskId: string, work: (signal: AbortSignal, onProgress: (progress: unknown) => void) => Promise<T>): Promise<T> {
    if (this.classroomTask || this.active) throw new Error('the engine is busy with another run; cancel it or wait for it to finish');
    const controller = new AbortController();
    this.classroomTask = { taskId, controller };
    try {
      return await work(controller.signal, (progress) =>
        this.hooks.emit('classroom:progress', { taskId, ...(progress as Omit<ClassroomProgress, 'taskId'>) }),
      );
    } finally {
      this.classroomTask = null;
    }
  }

  private async runBatch(request: RunBatchRequest): Promise<RunBatchResult> {
    if (this.classroomTask) throw new Error('the engine is busy with a lesson step or a sweep; cancel it or wait for it to finish');
    if (this.active) throw new Error(`a run is already in progress (${this.active.runId}); cancel it or wait for it to finish`);
    const controller = new AbortController();
    this.active = { runId: request.runId, controller };
    const records: RunRecord[] = [];
    const failures: RunFailure[] = [];
    const { runId } = request;
    const order = executionOrder(request.strategies);
    const total = order.length + (request.includeFloor ? 1 : 0);
    const fail = (failure: RunFailure) => {
      failures.push(failure);
      this.hooks.emit('run:failure', { runId, failure });
    };
    const finish = async (record: RunRecord, surface?: EventMap['run:record']['surface']) => {
      records.push(record);
      // Kept before it is shown: a crash after this point loses nothing.
      await this.log.append(record).catch((error: unknown) => {
        fail({ strategy: record.strategy, kind: 'error', message: `could not save the run to ${this.log.path}: ${String(error)}` });
      });
      this.hooks.emit('run:record', { runId, record, ...(surface ? { surface } : {}) });
    };
    try {
      await mkdir(this.hooks.dataDir, { recursive: true });
      for (const [index, strategy] of order.entries()) {
        if (controller.signal.aborted) break;
        try {
          const { record, surface } = await this.runEngine.call(
            'run',
            {
              request: {
                strategy,
                nx: request.nx,
                ny: request.ny,
                xRange: request.xRange,
                yRange: request.yRange,
                dtype: request.dtype,
                formula: request.formula,
                repeats: request.repeats,
                ...(request.devices > 0 ? { devices: request.devices } : {}),
              },
              surface: true,
            },
            {
              signal: controller.signal,
              onProgress: (progress) => this.hooks.emit('run:progress', { runId, progress: progress as RunProgress, index, total }),
            },
          );
          await finish(record, surface);
        } catch (error) {
          fail(failureOf(strategy, error));
        }
      }
      if (request.includeFloor && !controller.signal.aborted) {
        try {
          const { nx, ny, xRange, yRange, dtype } = request;
          const limit = await this.runEngine.call('limit', { nx, ny, xRange, yRange, dtype }, { signal: controller.signal });
          if (limit) await finish(limit);
        } catch (error) {
          fail(failureOf('limit', error));
        }
      }
      return { runId, records, failures, cancelled: controller.signal.aborted };
    } finally {
      this.active = null;
    }
  }
}

export { EngineError };
