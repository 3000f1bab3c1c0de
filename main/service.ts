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
import { join } from 'node:path';
import { type ChannelHandlers, forwardByName } from './channelHandlers.js';
import type { ClassroomProgress, InvokeChannel, RequestOf, ResponseOf } from './contract.js';
import { ANSWERED_CHANNELS, TASK_CHANNELS, type ProgressOf } from './engine/protocol.js';
import { engineWorkerEntry } from './engine/entry.js';
import { APP_GRID_LIMITS, LAB_STRATEGY_NAMES, PEER_STRATEGY_NAMES } from '../compute/leaves.js';
import { EngineHost } from './engine/host.js';
import { exportHandlers, type KeptSweep } from './exportHandlers.js';
import { runBatch } from './batchRunner.js';
import { EngineTask } from './engineTask.js';
import { ResultsLog } from './resultsLog.js';
import { SettingsStore } from './settingsStore.js';
import type { ShellHooks } from './shellHooks.js';

export type { SaveRequest, ShellHooks } from './shellHooks.js';

export class LabService {
  private readonly runEngine: EngineHost;
  private readonly quickEngine: EngineHost;
  private readonly log: ResultsLog;
  private readonly settings: SettingsStore;
  /** What the run engine is doing: a run, a classroom task or a grid export, one at a time. */
  private readonly task = new EngineTask();
  /** The last sweep, kept for its CSV export. */
  private lastSweep: KeptSweep | null = null;

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
   * Starts both engines now, so that a window's first requests, and Live's calibration at launch, do not wait for
   * them: each loads the CPU's backends, and the preview engine alone probes Dawn's adapter and Python for app:probed
   * (the run engine loads Dawn on its first GPU run: two probes at once would slow both, and the window's start). The
   * shells call it once a window is on its way.
   */
  warm(): void {
    this.quickEngine.call('engine:probes', null).catch(() => undefined);
    this.runEngine.call('engine:info', null).catch(() => undefined);
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
  private readonly answered = forwardByName(ANSWERED_CHANNELS, (channel, request) =>
    this.quickEngine.call(channel, request),
  );

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
    ...exportHandlers(() => ({
      hooks: this.hooks,
      quickEngine: this.quickEngine,
      runEngine: this.runEngine,
      task: this.task,
      lastSweep: this.lastSweep,
    })),
    'app:info': async () => {
      const [info, previousSession] = await Promise.all([
        this.quickEngine.call('engine:info', null),
        this.log.previousSession(),
      ]);
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
        previousSession,
        resultsFile: this.log.path,
      };
    },

    'app:probed': () => this.quickEngine.call('engine:probes', null),

    'run:start': (request) =>
      this.task.run('run', request.runId, (signal) =>
        runBatch(
          request,
          { engine: this.runEngine, log: this.log, dataDir: this.hooks.dataDir, emit: this.hooks.emit },
          signal,
        ),
      ),

    'run:cancel': async ({ runId }) => ({ cancelled: this.task.cancel(['run'], runId) }),

    // On the run engine, so the calibration also warms the process that runs the opening grid next.
    'live:calibrate': (request) =>
      this.task.run('calibrate', request.dtype, (signal) => this.runEngine.call('live:calibrate', request, { signal })),

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

    // The kept profile is read on the quick engine; a measurement takes the run engine alone (its probes time memory
    // and arithmetic) and leaves the new profile current there, where the records are placed.
    'machine:profile': (request) =>
      request.measure || request.refresh
        ? this.task.run('machine', 'machine', (signal) =>
            this.runEngine.call(
              'engine:machineProfile',
              { ...request, dataDir: this.hooks.dataDir },
              { signal, onProgress: (progress) => this.hooks.emit('machine:progress', progress) },
            ),
          )
        : this.quickEngine.call('engine:machineProfile', { ...request, dataDir: this.hooks.dataDir }),

    'machine:cancel': async () => ({ cancelled: this.task.cancel(['machine'], 'machine') }),

    'classroom:sweep': async (request) => {
      const result = await this.tasks['classroom:sweep'](request);
      this.lastSweep = { taskId: request.taskId, result };
      return result;
    },

    'classroom:cancel': async ({ taskId }) => ({ cancelled: this.task.cancel(['lesson', 'sweep', 'threads'], taskId) }),

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
