// The sweeps: the size sweep (every ticked strategy over a range of n, at
// the lab's nx : ny) and the threads sweep (pmap on the lab's grid on 1…all
// threads). Each is one classroom task; the entries fill in as they arrive.

import type { StrategyName, SweepResult, ThreadSweepResult } from '../../../main/contract';
import type { Classroom } from './classroom.svelte';
import { threadSweepRefusal } from './threadSweepLimit';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Sweeps {
  sweepFrom = $state(10);
  sweepTo = $state(2000);
  sweepPoints = $state(8);
  /** The threads sweep on screen (pmap, the kernel and the floor on 1…all threads), and why it failed. */
  threads = $state.raw<ThreadSweepResult | null>(null);
  threadsError = $state<string | null>(null);
  /** The sweep on screen: filled in as entries arrive, complete when its task ends. */
  sweep = $state.raw<SweepResult | null>(null);
  /** The task that made the sweep on screen: the service keeps its result for the CSV export. */
  private sweepTaskId: string | null = null;
  sweepError = $state<string | null>(null);

  constructor(private readonly classroom: Classroom) {}

  /** The strategies a sweep runs: those ticked (and available) on the left. */
  get sweepStrategies(): StrategyName[] {
    return this.classroom.lab.chosen;
  }

  /** nx : ny of the lab's grid when it is not square (the sweep holds it), else null. */
  get sweepAspect(): number | null {
    const lab = this.classroom.lab;
    return lab.nx === lab.ny ? null : lab.nx / lab.ny;
  }

  /** The sweep's entries so far, from a progress event of its task. */
  progressed(entries: SweepResult['entries']): void {
    if (this.sweep) this.sweep = { ...this.sweep, entries };
  }

  async runSweep(): Promise<void> {
    if (this.classroom.task) return;
    const lab = this.classroom.lab;
    const strategies = this.sweepStrategies;
    if (strategies.length === 0) {
      this.sweepError = 'Tick at least one strategy (on the left) to sweep.';
      return;
    }
    const aspect = this.sweepAspect;
    const { dtype, formula, xRange, yRange } = lab;
    const request = {
      nMin: this.sweepFrom,
      nMax: this.sweepTo,
      points: this.sweepPoints,
      // A rectangular lab sweeps at its own shape: n sets nx, and ny follows at nx : ny.
      ...(aspect !== null ? { aspect } : {}),
      strategies,
      dtype,
      formula,
      repeats: Math.min(lab.repeats, 3),
      xRange,
      yRange,
    };
    await this.classroom.runTask(
      'sweep',
      'starting',
      (taskId) => {
        this.sweepError = null;
        this.sweep = {
          sizes: [],
          grids: [],
          dtype,
          backend: 'js',
          formula,
          xRange,
          yRange,
          strategies,
          entries: [],
          firstRefused: {},
          cancelled: false,
        };
        this.sweepTaskId = taskId;
      },
      async (taskId) => {
        try {
          this.sweep = await lab.api.invoke('classroom:sweep', { taskId, sweep: request });
        } catch (error) {
          this.sweepError = messageOf(error);
        }
      },
    );
  }

  /** pmap on the lab's grid (nx × ny over its domain) on 1, 2, … all threads, beside the kernel and the floor. */
  async runThreadSweep(): Promise<void> {
    const lab = this.classroom.lab;
    const refusal = threadSweepRefusal(lab.grid(), lab.limits);
    if (refusal) {
      this.threadsError = refusal;
      return;
    }
    await this.classroom.runTask(
      'threads',
      'starting',
      () => {
        this.threadsError = null;
      },
      async (taskId) => {
        try {
          this.threads = await lab.api.invoke('classroom:threads', { taskId, sweep: lab.grid() });
        } catch (error) {
          this.threadsError = messageOf(error);
        }
      },
    );
  }

  async exportSweep(): Promise<void> {
    if (!this.sweep?.entries.length || !this.sweepTaskId) return;
    await this.classroom.saved(this.classroom.lab.api.invoke('export:sweep', { taskId: this.sweepTaskId }), 'sweep');
  }
}
