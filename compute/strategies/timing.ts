// Times a strategy's call the way the lesson does: a first call (tracing and
// compilation included, on a fresh output) and then `repeats` warm calls —
// more when they are quick, as timeit's autorange does, because one
// sub-millisecond sample is mostly scheduler noise. Every result but the last
// is disposed at once, so a warm call writes into the buffer the previous one
// gave back (recycled, first-touch cost kept out). The process's CPU time is
// taken around the same calls, so the runner can tell a run that had the CPU
// from one that shared it with other work (spread.ts).

import type { NDArray } from '../core/ndarray.js';
import type { ExecutionTimings } from '../backends/backend.js';
import { yieldToEventLoop } from '../backends/js.js';
import { throwIfCancelled } from '../backends/backend.js';
import { MAX_TIMED_CALLS } from '../limits.js';
import type { StrategyContext, StrategyOutcome } from './strategy.js';
import { answerOfGrid, isAnswer } from './answer.js';

export type TimedCall = () => Promise<NDArray> | NDArray;

/** Repeats of a run to a number stop once they would take longer than this. */
const ANSWER_REPEAT_BUDGET_MS = 10_000;

/** Warm calls go on past the requested count until this much time has been timed… */
export const MIN_TIMED_MS = 25;
/** …but never past MAX_TIMED_CALLS (compute/limits.ts: a record holds at most that many samples). */
export { MAX_TIMED_CALLS };

/** Process CPU time (user + system, all threads) since `since`, in ms. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Whether to time another warm call, after `done` of them took `timedMs` in all. Zero requested means none. */
export function timeAnother(done: number, requested: number, timedMs: number, minTimedMs = MIN_TIMED_MS): boolean {
  if (done < requested) return true;
  return requested > 0 && done < MAX_TIMED_CALLS && timedMs < minTimedMs;
}

export async function timeCalls(
  context: StrategyContext & { fused?: boolean },
  call: TimedCall,
  timingsOf?: () => ExecutionTimings | undefined,
): Promise<Pick<StrategyOutcome, 'grid' | 'firstMs' | 'repeatMs' | 'cpuMs' | 'outputBuffer' | 'timings'>> {
  // When the output is a number, a strategy that builds the grid reduces it inside the timed call.
  const mode = context.reduce;
  if (isAnswer(mode) && !context.fused) {
    const build = call;
    call = async () => answerOfGrid(await build(), mode);
  }
  context.progress('first', 0);
  let started = performance.now();
  let grid: NDArray | null = await call();
  const firstMs = performance.now() - started;
  const repeatMs: number[] = [];
  const timings: ExecutionTimings[] = [];
  let timedMs = 0;
  let cpuMs = 0;
  // A number from a grid far beyond memory can take minutes a call: its repeats stop at a budget, as the loop's do.
  const repeats = isAnswer(mode)
    ? Math.min(context.repeats, Math.floor(ANSWER_REPEAT_BUDGET_MS / Math.max(firstMs, 1e-3)))
    : context.repeats;
  try {
    for (let k = 0; timeAnother(k, repeats, timedMs, context.minTimedMs); k++) {
      throwIfCancelled(context.signal);
      context.progress('repeat', Math.min(1, k / Math.max(1, repeats)));
      grid.dispose();
      grid = null;
      await yieldToEventLoop();
      const cpuBefore = process.cpuUsage();
      started = performance.now();
      grid = await call();
      const ms = performance.now() - started;
      cpuMs += cpuMsSince(cpuBefore);
      repeatMs.push(ms);
      timedMs += ms;
      const t = timingsOf?.();
      if (t) timings.push(t);
    }
  } catch (error) {
    // A cancel between calls must not leave the last result behind.
    grid?.dispose();
    throw error;
  }
  return {
    grid,
    firstMs,
    repeatMs,
    cpuMs,
    outputBuffer: grid.freshBuffer ? 'fresh' : 'recycled',
    ...(timings.length ? { timings } : {}),
  };
}
