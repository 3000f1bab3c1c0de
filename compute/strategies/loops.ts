// The lesson's first step: z[i, j] = f(x[i], y[j]), one jitted call on
// scalars per element. What it measures is the cost of a call — dispatch,
// not arithmetic. At 6000 × 6000 that is 36 million calls, so it reports
// progress, yields to the event loop and can be cancelled between rows.

import { itemSize } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { jit } from '../transforms/jit.js';
import { backendStatus } from '../backends/registry.js';
import { throwIfCancelled } from '../backends/backend.js';
import { yieldToEventLoop } from '../backends/js.js';
import { gridAxes, gridFunction } from './grid.js';
import { cpuMsSince, timeAnother } from './timing.js';
import type { Strategy } from './strategy.js';
import { ANSWER_BYTES, type AnswerMode, isAnswer, packAnswer } from './answer.js';
import { type Partial, combine, emptyPartial, finish } from '../core/reductions.js';
import type { ReductionPrimitive } from '../core/primitives.js';

const ANSWER_KIND: { [M in AnswerMode]: ReductionPrimitive } = {
  max: 'argmax',
  min: 'argmin',
  sum: 'reduce_sum',
  mean: 'reduce_sum',
};

/** [value, index] of the loop's running value (a mean: the sum over the count). */
function answerOfRunning(kind: ReductionPrimitive, running: Partial, count: number): NDArray {
  if (kind === 'reduce_sum') return packAnswer([finish(kind, running) / count]);
  return packAnswer([running.value, running.index]);
}

/** Repeats stop once they would take longer than this: a loop at n = 6000 takes tens of seconds a pass. */
const REPEAT_BUDGET_MS = 5000;
const YIELD_EVERY_MS = 30;

export const loopsStrategy: Strategy = {
  name: 'loops',
  description: 'for i, for j: z[i, j] = f(x[i], y[j]): one jitted call per element',
  takesBackend: true,
  needs: 'cpu',
  availability(backend) {
    if (backend === 'webgpu')
      return {
        available: false,
        reason: 'a per-element loop on the GPU would time only its launch latency; use js or native',
      };
    return backendStatus(backend);
  },
  // The grid, both axes, and the 0-d output of the one call in flight.
  predictBytes: ({ nx, ny }, dtype, _formula, reduce) =>
    (isAnswer(reduce) ? ANSWER_BYTES : nx * ny * itemSize(dtype)) + (nx + ny + 1) * itemSize(dtype),
  async run(context) {
    const { dtype } = context;
    const { nx, ny } = context.grid;
    const f = jit(gridFunction(context.formula), { backend: context.backend });
    const [x, y] = gridAxes(context.grid, dtype);
    // x[i] and y[j] as 0-d arrays, as in the lecture; made once, not per call.
    const xs = Array.from({ length: nx }, (_, i) => x.index(i));
    const ys = Array.from({ length: ny }, (_, j) => y.index(j));
    let grid: NDArray | null = null;
    try {
      const plannedPasses = 1 + context.repeats;
      let passesDone = 0;
      const mode = context.reduce;
      // To a number: a running value (core/reductions.ts), and no grid.
      const kind = isAnswer(mode) ? ANSWER_KIND[mode] : null;
      let running = kind ? emptyPartial(kind) : null;
      const pass = async (): Promise<number> => {
        grid?.dispose();
        grid = kind ? null : NDArray.empty([nx, ny], dtype);
        if (kind) running = emptyPartial(kind);
        const z = grid?.data;
        let lastYield = performance.now();
        let yieldedMs = 0;
        const started = lastYield;
        for (let i = 0; i < nx; i++) {
          const xi = xs[i]!;
          for (let j = 0; j < ny; j++) {
            const result = f(xi, ys[j]!) as NDArray;
            if (z) z[i * ny + j] = result.item();
            else combine(kind!, running!, result.item(), i * ny + j);
            result.dispose();
          }
          const now = performance.now();
          if (now - lastYield > YIELD_EVERY_MS) {
            context.progress(passesDone === 0 ? 'first' : 'repeat', (passesDone + (i + 1) / nx) / plannedPasses);
            await yieldToEventLoop();
            throwIfCancelled(context.signal);
            lastYield = performance.now();
            yieldedMs += lastYield - now;
          }
        }
        // Time spent yielding to other work is not the loop's.
        return performance.now() - started - yieldedMs;
      };
      const firstMs = await pass();
      passesDone = 1;
      const budgetRepeats = Math.floor(REPEAT_BUDGET_MS / Math.max(firstMs, 1e-3));
      const repeats = Math.min(context.repeats, budgetRepeats);
      const repeatMs: number[] = [];
      let timedMs = 0;
      let cpuMs = 0;
      for (
        let k = 0;
        timeAnother(k, repeats, timedMs, context.minTimedMs);
        k++, passesDone = Math.min(passesDone + 1, plannedPasses - 1)
      ) {
        const cpuBefore = process.cpuUsage();
        const ms = await pass();
        cpuMs += cpuMsSince(cpuBefore);
        repeatMs.push(ms);
        timedMs += ms;
      }
      const perCallUs = ((repeatMs.length ? Math.min(...repeatMs) : firstMs) * 1000) / Math.max(1, nx * ny);
      const capped =
        repeats < context.repeats
          ? ` (${repeats} of ${context.repeats} repeats: each pass takes ${Math.round(firstMs)} ms)`
          : '';
      const result = kind ? answerOfRunning(kind, running!, mode === 'mean' ? nx * ny : 1) : (grid as NDArray | null);
      grid = null;
      return {
        grid: result!,
        firstMs,
        repeatMs,
        cpuMs,
        outputBuffer: result!.freshBuffer ? 'fresh' : 'recycled',
        note: `${perCallUs.toPrecision(3)} µs per call${capped}`,
      };
    } finally {
      (grid as NDArray | null)?.dispose();
      for (const v of [...xs, ...ys, x, y]) v.dispose();
    }
  },
};
