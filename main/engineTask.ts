// The run engine does one task at a time: a batch of runs, a lesson step, a
// sweep, the threads sweep or a grid export. They share its threads (a
// timing taken beside another task is not a measurement) and its one kept
// grid (a run frees it; an export reads it), so a second task is refused
// with a 'busy' LabFailure that names the first, never queued or interleaved.

import { LabFailure } from './labError.js';

export type EngineTaskKind = 'run' | 'lesson' | 'sweep' | 'threads' | 'export' | 'calibrate' | 'machine';

const TASK_NAMES: Record<EngineTaskKind, string> = {
  run: 'a run',
  lesson: 'a lesson step',
  sweep: 'a sweep',
  threads: 'the threads sweep',
  export: 'a grid export',
  calibrate: "Live's calibration",
  machine: "the machine's measurement",
};

export class EngineTask {
  private current: { kind: EngineTaskKind; id: string; controller: AbortController } | null = null;

  /**
   * Throws the 'busy' LabFailure when a task is in progress: for a caller that must refuse before it starts (a save
   * dialog).
   */
  checkFree(): void {
    const current = this.current;
    if (current)
      throw new LabFailure({
        kind: 'busy',
        message:
          `${TASK_NAMES[current.kind]} is already in progress (${current.id}); cancel it or wait for it to ` + `finish`,
      });
  }

  /** Runs `work` as the engine's task, with a signal that cancel() aborts; refused while another task runs. */
  async run<T>(kind: EngineTaskKind, id: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.checkFree();
    const task = { kind, id, controller: new AbortController() };
    this.current = task;
    try {
      return await work(task.controller.signal);
    } finally {
      if (this.current === task) this.current = null;
    }
  }

  /** Cancels the task in progress when it is `id`, of one of `kinds`; false when it is not. */
  cancel(kinds: readonly EngineTaskKind[], id: string): boolean {
    const current = this.current;
    if (!current || current.id !== id || !kinds.includes(current.kind)) return false;
    current.controller.abort();
    return true;
  }

  /** Cancels whatever runs (the app is closing). */
  abort(): void {
    this.current?.controller.abort();
  }
}
