// The run request's schema, beside the request (types.ts): what the engine's
// own entry (runStrategy, guardRequest) accepts from callers that skip the
// app's boundary — the API and the CLI — in the same words and the same
// fields as every other payload (compute/schema). The compiler holds it to
// RunRequest exactly, so a field added to one and not the other fails to build.

import * as v from 'valibot';
import { BACKEND_NAMES } from '../backends/backend.js';
import { ENGINE_MAX_N, MAX_TIMED_CALLS } from '../limits.js';
import { count, dtype, formula, integer, oneOf, range, strict, type SameType } from '../schema/fields.js';
import { strategy } from './recordSchema.js';
import { REDUCE_MODES, type RunRequest } from './types.js';

/** A side as the engine takes it: up to ENGINE_MAX_N (the app's own bound is smaller, and checked where it enters). */
const engineSide = integer(1, ENGINE_MAX_N);

export const runRequest = v.pipe(
  strict({
    strategy,
    n: v.optional(engineSide),
    nx: v.optional(engineSide),
    ny: v.optional(engineSide),
    xRange: v.optional(range),
    yRange: v.optional(range),
    dtype: v.optional(dtype),
    backend: v.optional(oneOf(BACKEND_NAMES)),
    formula: v.optional(formula),
    repeats: v.optional(integer(0, MAX_TIMED_CALLS)),
    // Any count: more than the machine has is pmap's own refusal, with the numbers (a result in a sweep).
    devices: v.optional(count),
    memoryCapBytes: v.optional(count),
    reduce: v.optional(oneOf(REDUCE_MODES)),
  }),
  v.check(
    (r) => r.n !== undefined || (r.nx !== undefined && r.ny !== undefined),
    "give the grid's size: n (a square n × n grid), or nx and ny",
  ),
);
true satisfies SameType<v.InferOutput<typeof runRequest>, RunRequest>;
