// How an engine error crosses from the engine process to the host: as the contract's
// LabError, its kind chosen by the error's class (never by its words) and
// the numbers it carries kept — a formula's position and length, the bytes a
// run needs and those it may use.

import {
  CancelledError,
  FormulaError,
  MemoryGuardError,
  RunRequestError,
  SettingsError,
  StrategyUnavailableError,
  SweepRequestError,
  ThreadScalingError,
} from '../../compute/index.js';
import type { LabErrorKind } from '../contract.js';
import { labErrorFields } from '../labError.js';
import type { SerializedError } from './protocol.js';

function kindOf(error: Error): LabErrorKind {
  if (error instanceof FormulaError) return 'formula';
  if (error instanceof MemoryGuardError) return 'memory';
  // The file writers stop with a plain Error named CancelledError (compute/report/npy.ts).
  if (error instanceof CancelledError || error.name === 'CancelledError') return 'cancelled';
  if (error instanceof SettingsError) return 'settings';
  // Before RunRequestError, which it extends.
  if (error instanceof StrategyUnavailableError) return 'unavailable';
  if (error instanceof RunRequestError || error instanceof SweepRequestError || error instanceof ThreadScalingError)
    return 'invalid-request';
  return 'engine';
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { kind: 'engine', message: String(error) };
  return labErrorFields(kindOf(error), error.message || `${error.name} (no message)`, error);
}
