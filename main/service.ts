// What the app does for its window, whichever shell hosts it (Electron's IPC
// or the web shell's WebSocket): one handler per contract channel, over two
// engine processes — one for runs and grid export, one that stays free for
// quick answers (formula checks, the surface preview, the memory guard) while
// a run takes minutes. Requests arrive here already validated. The run
// engine does one task at a time (engineTask.ts); a press of Run is a batch
// (batchRunner.ts). A failure is thrown as a LabFailure, or as an engine
// error the transports map to one (replies.ts). Files are saved through the
// shell's own saver (a native dialog, or a download).

import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AppInfo,
  ClassroomProgress,
  EventMap,
  EventName,
  InvokeChannel,
  RequestOf,
  ResponseOf,
  ResultsFormat,
  SaveOutcome,
  Theme,
} from './contract.js';
import { ANSWERED_CHANNELS, TASK_CHANNELS, type ProgressOf } from './engine/protocol.js';
import { engineWorkerEntry } from './engine/entry.js';
import { APP_GRID_LIMITS, LAB_STRATEGY_NAMES, PEER_STRATEGY_NAMES } from '../compute/leaves.js';
import { EngineCrashedError, EngineHost } from './engine/host.js';
import type { SpawnEngine } from './engine/port.js';
import { runBatch } from './batchRunner.js';
import { EngineTask } from './engineTask.js';
import { LabFailure } from './labError.js';
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
  /** How the shell starts an engine process: Electron's utility process; without it, a Node child (child_process.fork). */
  spawnEngine?: SpawnEngine;
}

/** A handler per channel, typed by the channel. */
type ChannelHandlers<C extends InvokeChannel> = { [K in C]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

/** One handler per channel, each calling `answer` with its own channel name: no table of names in between. */
function forwardByName<C extends InvokeChannel>(
  channels: readonly C[],
  answer: <K extends C>(channel: K, request: RequestOf<K>) => Promise<ResponseOf<K>>,
): ChannelHandlers<C> {
  return Object.fromEntries(channels.map((channel) => [channel, (request: RequestOf<C>) => answer(channel, request)])) as ChannelHandlers<C>;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export class LabService {
  private readonly runEngine: EngineHost;
  private readonly quickEngine: EngineHost;
  private readonly log: ResultsLog;
  private readonly settings: SettingsStore;
  /** What the run engine is doing: a run, a classroom task or a grid export, one at a time. */
  private readonly task = new EngineTask();
  /** The last sweep, kept for its CSV export. */
  private lastSweep: { taskId: string; result: SweepResult } | null = null;

  constructor(
    private readonly hooks: ShellHooks,
    appRoot: string,
  ) {
    const entry = engineWorkerEntry(appRoot);
    const onCrash = (message: string) => hooks.emit('engine:crashed', { message });
    const spawn = hooks.spawnEngine ? { spawn: hooks.spawnEngine } : {};
    this.runEngine = new EngineHost({ entry, label: 'run engine', onCrash, ...spawn });
    this.quickEngine = new EngineHost({ entry, label: 'preview engine', onCrash, ...spawn });
    this.log = new ResultsLog(join(hooks.dataDir, 'results.jsonl'), randomUUID());
    this.settings = new SettingsStore(hooks.dataDir, {
      toJson: (settings) => this.quickEngine.call('engine:settings-json', { settings }),
      parse: (text) => this.quickEngine.call('settings:parse', { text }),
    });
  }

  /**
   * Starts both engines now (each loads its backends and probes Python), so
   * that a window's first requests, and Live's calibration at launch, do not
   * wait for that. The shells call it once a window is on its way.
   */
  warm(): void {
    for (const engine of [this.quickEngine, this.runEngine]) engine.call('engine:info', null).catch(() => undefined);
  }

  /** For tests and the test hook: the engine that runs strategies. */
  get engine(): EngineHost {
    return this.runEngine;
  }

  /** For tests: both engine processes, to read their memory. */
  get engines(): { run: EngineHost; preview: EngineHost } {
    return { run: this.runEngine, preview: this.quickEngine };
  }

  async handle<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const handler = this.handlers[channel] as (request: RequestOf<C>) => Promise<ResponseOf<C>>;
    return handler(request);
  }

  async close(): Promise<void> {
    this.task.abort();
    await Promise.all([this.runEngine.close(), this.quickEngine.close()]);
  }

  /** The channels the engine answers whole, forwarded by name to the quick engine. */
  private readonly answered = forwardByName(ANSWERED_CHANNELS, (channel, request) => this.quickEngine.call(channel, request));

  /**
   * The classroom's tasks, forwarded by name to the run engine, one task at a time; their progress becomes
   * the classroom:progress event of the task's kind (the channel's name after 'classroom:').
   */
  private readonly tasks = forwardByName(TASK_CHANNELS, (channel, request) => {
    const { taskId } = request;
    const kind = channel.slice('classroom:'.length) as ClassroomProgress['kind'];
    const emit = (progress: ProgressOf<typeof channel>) =>
      this.hooks.emit('classroom:progress', { taskId, kind, ...progress } as ClassroomProgress);
    return this.task.run(kind, taskId, (signal) => this.runEngine.call(channel, request, { signal, onProgress: emit }));
  });

  private readonly handlers: ChannelHandlers<InvokeChannel> = {
    ...this.answered,
    ...this.tasks,
    'app:info': async () => {
      const info = await this.quickEngine.call('engine:info', null);
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

    'run:start': (request) =>
      this.task.run('run', request.runId, (signal) =>
        runBatch(request, { engine: this.runEngine, log: this.log, dataDir: this.hooks.dataDir, emit: this.hooks.emit }, signal),
      ),

    'run:cancel': async ({ runId }) => ({ cancelled: this.task.cancel(['run'], runId) }),

    // On the run engine, so the calibration also warms the process that runs the opening grid next.
    'live:calibrate': (request) => this.task.run('calibrate', request.dtype, (signal) => this.runEngine.call('live:calibrate', request, { signal })),

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
      const text = await this.quickEngine.call('engine:results-text', { records, appVersion: this.hooks.appVersion, format });
      const { extension, filter } = RESULTS_FILES[format];
      return this.hooks.save({
        fileName: `vlab-results-${today()}.${extension}`,
        filter,
        write: (path) => writeFile(path, text, 'utf8'),
      });
    },

    'export:grid': async ({ format = 'csv', ...settings }) => {
      // Refused before the dialog asks for a path, and again when the engine is to write it.
      this.task.checkFree();
      const fileName = `vlab-grid-${settings.nx === settings.ny ? `n${settings.nx}` : `${settings.nx}x${settings.ny}`}-${settings.dtype}.${format}`;
      return this.hooks.save({
        fileName,
        filter: format === 'npy' ? { name: 'NumPy array', extensions: ['npy'] } : { name: 'CSV', extensions: ['csv'] },
        write: (path) =>
          this.task.run('export', fileName, async (signal) => {
            try {
              await this.runEngine.call('engine:grid-file', { settings, path, format }, { signal });
            } catch (error) {
              // A killed engine cannot remove its half-written file: main does, so only the old file remains.
              if (error instanceof EngineCrashedError) await removeStalePartials(path);
              throw error;
            }
          }),
      });
    },

    'export:chart': async ({ chart, format, data }) =>
      this.hooks.save({
        fileName: `vlab-${chart}-${today()}.${format}`,
        filter: format === 'svg' ? { name: 'SVG image', extensions: ['svg'] } : { name: 'PNG image', extensions: ['png'] },
        write: (path) => writeFile(path, data),
      }),

    // The kept profile is read on the quick engine; a measurement takes the run engine alone (its probes time memory
    // and arithmetic) and leaves the new profile current there, where the records are placed.
    'machine:profile': (request) =>
      request.measure || request.refresh
        ? this.task.run('machine', 'machine', (signal) =>
            this.runEngine.call('engine:machineProfile', { ...request, dataDir: this.hooks.dataDir }, { signal, onProgress: (progress) => this.hooks.emit('machine:progress', progress) }),
          )
        : this.quickEngine.call('engine:machineProfile', { ...request, dataDir: this.hooks.dataDir }),

    'export:png': async ({ png }) => {
      return this.hooks.save({
        fileName: `vlab-surface-${today()}.png`,
        filter: { name: 'PNG image', extensions: ['png'] },
        write: (path) => writeFile(path, png),
      });
    },

    'classroom:sweep': async (request) => {
      const result = await this.tasks['classroom:sweep'](request);
      this.lastSweep = { taskId: request.taskId, result };
      return result;
    },

    'classroom:cancel': async ({ taskId }) => ({ cancelled: this.task.cancel(['lesson', 'sweep', 'threads'], taskId) }),

    'export:python': async (request) => {
      const program = await this.quickEngine.call('classroom:jax', request);
      return this.hooks.save({
        fileName: program.fileName,
        filter: { name: 'Python', extensions: ['py'] },
        write: (path) => writeFile(path, program.text, 'utf8'),
      });
    },

    'export:sweep': async ({ taskId }) => {
      const kept = this.lastSweep;
      if (!kept || kept.taskId !== taskId) throw new LabFailure({ kind: 'invalid-request', message: 'only the last sweep is kept for export: run it again to export it' });
      const { entries, dtype, backend, formula, xRange, yRange } = kept.result;
      const csv = await this.quickEngine.call('engine:sweep-csv', { result: { entries, dtype, backend, formula, xRange, yRange }, appVersion: this.hooks.appVersion });
      return this.hooks.save({
        fileName: `vlab-sweep-${today()}.csv`,
        filter: { name: 'CSV', extensions: ['csv'] },
        write: (path) => writeFile(path, csv, 'utf8'),
      });
    },

    'settings:save': async ({ settings }) => {
      const text = await this.quickEngine.call('engine:settings-json', { settings });
      return this.hooks.save({
        fileName: 'lab.vlab.json',
        filter: { name: 'Vectorization Lab settings', extensions: ['json'] },
        write: (path) => writeFile(path, text, 'utf8'),
      });
    },

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
}
