// The classroom's payloads (lesson steps, sweeps, the threads sweep) and their progress. The lesson's, the sweep's
// and the settings' types are the engine's; what the app adds or fixes is here. Types only, imported through the
// contract (contract.ts).

import type { AmdahlFit, ThreadPoint } from '../compute/leaves.js';
import type { GridSettings, SweepEntry, SweepRequest } from '../compute/index.js';

/**
 * The classroom's threads sweep: pmap on 1…all native threads on the lab's grid (nx × ny over its domain), beside the
 * kernel and the floor on the same threads and grid.
 */
export type ThreadSweepRequest = GridSettings;
/** The grid it ran on, as asked, and what each thread count measured. */
export interface ThreadSweepResult extends GridSettings {
  /**
   * One per thread count, 1 first; speed-ups are each series' 1-thread time over its time here, the ideal the thread
   * count. Past `cores`, devices share cores (sharesCores).
   */
  points: ThreadPoint[];
  /** The native pool's threads: points beyond it have more devices than cores. */
  cores: number;
  /** Amdahl's law fitted to pmap's times on up to `cores` threads (null on one core). */
  amdahl: AmdahlFit | null;
}

/** A sweep as the renderer asks for it: the engine's request, less what the app fixes. */
export type ClassroomSweepRequest = Pick<
  SweepRequest,
  'nMin' | 'nMax' | 'points' | 'ny' | 'aspect' | 'strategies' | 'dtype' | 'formula' | 'repeats' | 'xRange' | 'yRange'
>;

/** How far a lesson step or the threads sweep is. */
export interface TaskProgress {
  fraction: number;
  label: string;
}
/** A sweep's progress carries every entry so far, so the chart draws as it goes. */
export interface SweepTaskProgress extends TaskProgress {
  entries: SweepEntry[];
}
/** Progress of the classroom's task, by its kind: only a sweep's carries entries. */
export type ClassroomProgress = { taskId: string } & (
  ({ kind: 'lesson' } & TaskProgress) | ({ kind: 'sweep' } & SweepTaskProgress) | ({ kind: 'threads' } & TaskProgress)
);
