// What a failed vlab command says and the exit code it ends with: one line on
// stderr, never a stack trace (VLAB_DEBUG=1 keeps it). 2 for a bad argument
// or a refused run, 130 when interrupted, 1 for anything else the engine raised.

import { CancelledError, FormulaError, MemoryGuardError, RunRequestError } from '../index.js';
import { ThreadScalingError } from '../strategies/threadScaling.js';
import { SweepRequestError } from '../classroom/sweepPlan.js';

/** A command line the CLI cannot act on: an option's value, a missing option, two formats on stdout. */
export class UsageError extends Error {}

/** The line and exit code for an error, or null for one to rethrow (VLAB_DEBUG=1, or not an Error). */
export function errorLine(error: unknown): { line: string; code: number } | null {
  if (error instanceof CancelledError) return { line: 'cancelled', code: 130 };
  if (
    error instanceof UsageError ||
    error instanceof ThreadScalingError ||
    error instanceof RunRequestError ||
    error instanceof MemoryGuardError ||
    error instanceof SweepRequestError
  )
    return { line: error.message, code: 2 };
  if (error instanceof FormulaError)
    return { line: `bad formula at column ${error.position + 1}: ${error.message}`, code: 2 };
  if (error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
    return { line: error.message.split('\n')[0]!, code: 2 };
  // Anything else the engine raised (a backend that cannot lower a graph, a
  // device lost) is one readable line, not a stack trace; VLAB_DEBUG=1 keeps the trace.
  if (error instanceof Error && !process.env.VLAB_DEBUG) return { line: error.message, code: 1 };
  return null;
}
