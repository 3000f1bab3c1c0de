// Times a strategy's call the way the lesson does: a first call (tracing and
// compilation included, on a fresh output) and then `repeats` warm calls.
// Every result but the last is disposed at once, so a warm call writes into
// the buffer the previous one gave back (recycled, first-touch cost kept out).

import type { NDArray } from '../core/ndarray.js';
import type { ExecutionTimings } from '../backends/backend.js';
import { yieldToEventLoop } from '../backends/js.js';
import { throwIfCancelled } from '../backends/backend.js';
import type { StrategyContext, StrategyOutcome } from './strategy.js';

export type TimedCall = () => Promise<NDArray> | NDArray;

export async function timeCalls(
  context: StrategyContext,
  call: TimedCall,
  timingsOf?: () => ExecutionTimings | undefined,
): Promise<Pick<StrategyOutcome, 'grid' | 'firstMs' | 'repeatMs' | 'outputBuffer' | 'timings'>> {
  context.progress('first', 0);
  let started = performance.now();
  let grid = await call();
  const firstMs = performance.now() - started;
  const repeatMs: number[] = [];
  const timings: ExecutionTimings[] = [];
  for (let k = 0; k < context.repeats; k++) {
    throwIfCancelled(context.signal);
    context.progress('repeat', k / context.repeats);
    grid.dispose();
    await yieldToEventLoop();
    started = performance.now();
    grid = await call();
    repeatMs.push(performance.now() - started);
    const t = timingsOf?.();
    if (t) timings.push(t);
  }
  return {
    grid,
    firstMs,
    repeatMs,
    outputBuffer: grid.freshBuffer ? 'fresh' : 'recycled',
    ...(timings.length ? { timings } : {}),
  };
}
