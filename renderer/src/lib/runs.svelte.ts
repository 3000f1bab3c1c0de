// The runs: the batch Run started (its records and failures as they
// arrive), the run in flight and its progress, and every record of the
// session for the results table. Run waits for a live run to stop first;
// Live's own runs move the bars but never enter the table. What the memory
// guard refuses, or the time plan skips, is said as skipped, never run.

import type { LabApi, RunFailure, RunProgress, RunRecord, RunSettings, StrategyName } from '../../../main/contract';
import { isNumberOutput } from './output';
import type { RunTimePlan } from './runTime';
import type { Message } from './saveOutcome';

export interface Batch {
  runId: string;
  settings: RunSettings;
  records: RunRecord[];
  failures: RunFailure[];
  /** Strategies asked for, in the lesson's order (those skipped by the guard included). */
  strategies: StrategyName[];
  done: boolean;
  cancelled: boolean;
}

export interface Running {
  runId: string;
  progress: RunProgress | null;
  index: number;
  total: number;
  cancelling: boolean;
}

/** What the runs need of the lab: its shell, settings and guard, Live, and the window's message lines. */
export interface RunsHost {
  readonly api: LabApi;
  settings(): RunSettings;
  readonly runnable: StrategyName[];
  readonly refused: { strategy: StrategyName; message?: string }[];
  /** What fits in memory split by predicted time: the skipped are over Run's limit. */
  readonly timePlan: Pick<RunTimePlan, 'skipped'>;
  readonly follow: { readonly formulaValid: boolean };
  readonly live: { hold(): Promise<void>; release(): void; owns(runId: string): boolean };
  message: Message | null;
  engineCrash: string | null;
}

export class Runs {
  batch = $state.raw<Batch | null>(null);
  /** Every run of this session (and those restored), oldest first. */
  history = $state.raw<RunRecord[]>([]);
  running = $state.raw<Running | null>(null);
  /** Run was pressed and waits for a live run to stop. */
  private runRequested = false;

  constructor(private readonly host: RunsHost) {}

  progressed(runId: string, progress: RunProgress, index: number, total: number): void {
    if (this.running?.runId === runId) this.running = { ...this.running, progress, index, total };
  }

  recorded(runId: string, record: RunRecord): void {
    // Live runs follow the slider: their bars move, but the table keeps what Run measured.
    if (!this.host.live.owns(runId)) this.history = [...this.history, record];
    if (this.batch?.runId === runId) this.batch = { ...this.batch, records: [...this.batch.records, record] };
  }

  failed(runId: string, failure: RunFailure): void {
    if (this.batch?.runId === runId) this.batch = { ...this.batch, failures: [...this.batch.failures, failure] };
  }

  /** Times every ticked strategy, however long: a live run in flight is cancelled first. */
  async run(): Promise<void> {
    if (this.running || this.runRequested || !this.host.follow.formulaValid) return;
    this.runRequested = true;
    try {
      await this.host.live.hold();
    } finally {
      this.runRequested = false;
    }
    try {
      await this.runTicked();
    } finally {
      this.host.live.release();
    }
  }

  private async runTicked(): Promise<void> {
    const host = this.host;
    if (this.running || !host.follow.formulaValid) return;
    const settings = host.settings();
    const strategies = host.runnable;
    const runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const skipped: RunFailure[] = [
      ...host.refused.map((e) => ({
        strategy: e.strategy,
        kind: 'guard' as const,
        message: e.message ?? 'would not fit in memory',
      })),
      ...host.timePlan.skipped.map((s) => ({ strategy: s.strategy, kind: 'guard' as const, message: s.message })),
    ];
    this.batch = {
      runId,
      settings,
      records: [],
      failures: skipped,
      strategies: settings.strategies,
      done: false,
      cancelled: false,
    };
    host.engineCrash = null;
    host.message = null;
    if (strategies.length === 0) {
      this.batch = { ...this.batch, done: true };
      const text = skipped.length
        ? 'None of the ticked strategies fits in memory and in time at this n.'
        : 'Tick at least one strategy to run.';
      host.message = { kind: 'error', text };
      return;
    }
    this.running = { runId, progress: null, index: 0, total: strategies.length, cancelling: false };
    try {
      // The floor is the time to write a grid: a run to a number writes none.
      const includeFloor = !isNumberOutput(settings.reduce);
      const result = await host.api.invoke('run:start', { ...settings, strategies, runId, includeFloor });
      if (this.batch?.runId === runId) this.batch = { ...this.batch, done: true, cancelled: result.cancelled };
    } catch (error) {
      host.message = {
        kind: 'error',
        text: `The run failed: ${error instanceof Error ? error.message : String(error)}`,
      };
      if (this.batch?.runId === runId) this.batch = { ...this.batch, done: true };
    } finally {
      this.running = null;
    }
  }

  async cancel(): Promise<void> {
    const running = this.running;
    if (!running || running.cancelling) return;
    this.running = { ...running, cancelling: true };
    await this.host.api.invoke('run:cancel', { runId: running.runId });
  }
}
