// A run request that has been validated once, where it entered, and holds its grid in full: the only kind the
// engine's inner entry (runChecked, guardChecked) takes, so nothing re-checks it. The brand is a type only: a
// CheckedRunRequest comes from checkRunRequest (requestSchema.ts: the API's and the CLI's entry, which validates
// against the engine's schema) or from asCheckedRunRequest (a shell that validated the payload it was built from at
// its own boundary, as the app's main process does). Pure and import-free but types, so main's bundle may use it.

import type { GridSpec, RunRequest } from './types.js';

declare const checkedAtEntry: unique symbol;

/** A RunRequest validated where it entered, with the square shorthand `n` already turned into nx, ny and ranges. */
export type CheckedRunRequest = Omit<RunRequest, 'n' | 'nx' | 'ny' | 'xRange' | 'yRange'> &
  GridSpec & { readonly [checkedAtEntry]: true };

/**
 * Marks a request as checked without checking it again: for a shell that validated, at its own boundary, the payload
 * it built this request from (the app's RunSettings, main/validate.ts, whose limits lie within the engine's schema:
 * main/runRequest.test.ts pins that). Anything else goes through checkRunRequest.
 */
export function asCheckedRunRequest(request: Omit<CheckedRunRequest, typeof checkedAtEntry>): CheckedRunRequest {
  return request as CheckedRunRequest;
}
