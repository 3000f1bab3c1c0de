// The run request's schema, beside the request (types.ts), and the check that
// applies it: what the engine's own entry (runStrategy, guardRequest) accepts
// from callers that skip the app's boundary — the API and the CLI — in the
// same words and the same fields as every other payload (compute/schema). The
// compiler holds it to RunRequest exactly, so a field added to one and not the
// other fails to build. The app validates its own payloads where they enter
// (main/validate.ts) and hands the engine requests already checked
// (checkedRequest.ts), which nothing here sees again.

import * as v from 'valibot';
import { BACKEND_NAMES } from '../backends/backend.js';
import { ENGINE_MAX_N, MAX_TIMED_CALLS } from '../limits.js';
import { count, dtype, formula, integer, oneOf, range, strict, type SameType } from '../schema/fields.js';
import { strategy } from './recordSchema.js';
import { GRID_RANGE, REDUCE_MODES, type RunRequest } from './types.js';
import { check, show } from '../schema/describe.js';
import { RunRequestError } from './strategy.js';
import { asCheckedRunRequest, type CheckedRunRequest } from './checkedRequest.js';

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

/**
 * The request checked by its schema, once, at the entry of a caller that has no boundary of its own (the API, the
 * CLI), and its square shorthand n turned into the grid (an explicit nx or ny wins; the default domain fills a missing
 * range). Throws RunRequestError naming the field and the rule.
 */
export function checkRunRequest(request: RunRequest): CheckedRunRequest {
  const checked = check(runRequest, request);
  if (!checked.ok) {
    const { path, rule, value } = checked.refusal;
    throw new RunRequestError(path ? `${path} ${rule}, got ${show(value)}` : rule);
  }
  const { n, nx, ny, xRange, yRange, ...rest } = checked.value;
  return asCheckedRunRequest({
    ...rest,
    nx: (nx ?? n)!,
    ny: (ny ?? n)!,
    xRange: xRange ?? GRID_RANGE,
    yRange: yRange ?? GRID_RANGE,
  });
}
