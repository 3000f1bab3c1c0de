// The run record's schema, beside the record (types.ts): what export:results
// accepts from the renderer and what the results log takes back from disk
// (a previous session), checked field by field. The compiler holds it to
// RunRecord exactly, so a field added to one and not the other fails to build.
// Also the strategy names as schemas, for every request that names one.

import * as v from 'valibot';
import { ENGINE_MAX_N, MAX_TIMED_CALLS } from '../limits.js';
import {
  boolean,
  count,
  dtype,
  formula,
  integer,
  list,
  measured,
  oneOf,
  range,
  strict,
  text,
  type SameType,
} from '../schema/fields.js';
import { ROOFLINE_BOUNDS } from '../machine/types.js';
import {
  LAB_STRATEGY_NAMES,
  RECORD_BACKENDS,
  REDUCE_MODES,
  STRATEGY_NAMES,
  type RunRecord,
  type StrategyName,
} from './types.js';

export const strategy = oneOf(STRATEGY_NAMES);
export const labStrategy = oneOf(LAB_STRATEGY_NAMES);
/** Strategies, each at most once in the lesson's count. */
export const strategies = list(strategy, STRATEGY_NAMES.length);

const RECORD_STRATEGIES: readonly (StrategyName | 'limit')[] = [...STRATEGY_NAMES, 'limit'];
/** A record's side: the engine's, not the app's (records also come from the CLI, which runs up to ENGINE_MAX_N). */
const recordSide = integer(1, ENGINE_MAX_N);
/** Bounds that no real record nears, so that a damaged one is refused rather than shown. */
const MAX_RECORD_DEVICES = 1 << 16;
const MAX_NOTE_LENGTH = 2000;
const MAX_DEVICE_NAME_LENGTH = 500;
/** Where a max or min is: z[i, j] = f(x, y). */
const location = strict({ i: integer(0, ENGINE_MAX_N), j: integer(0, ENGINE_MAX_N), x: measured, y: measured });

export const runRecord = strict({
  strategy: oneOf(RECORD_STRATEGIES),
  nx: recordSide,
  ny: recordSide,
  xRange: range,
  yRange: range,
  dtype,
  backend: oneOf(RECORD_BACKENDS),
  devices: integer(0, MAX_RECORD_DEVICES),
  shape: list(integer(0, ENGINE_MAX_N), 2),
  shapeError: v.optional(text(MAX_NOTE_LENGTH)),
  firstMs: measured,
  medianMs: measured,
  minMs: measured,
  maxMs: measured,
  repeats: integer(0, ENGINE_MAX_N),
  samplesMs: list(measured, MAX_TIMED_CALLS),
  iqrMs: measured,
  stddevMs: measured,
  noisy: boolean,
  noisyReason: v.optional(text(MAX_NOTE_LENGTH)),
  peakBytes: v.optional(measured),
  predictedBytes: measured,
  maxAbsErr: measured,
  allclose: boolean,
  nonFinite: strict({ nan: count, posInf: count, negInf: count }),
  nonFiniteMatch: boolean,
  formula,
  outputBuffer: oneOf(['fresh', 'recycled'] as const),
  uploadMs: v.optional(measured),
  kernelMs: v.optional(measured),
  readbackMs: v.optional(measured),
  deviceName: v.optional(text(MAX_DEVICE_NAME_LENGTH)),
  isa: v.optional(text(MAX_DEVICE_NAME_LENGTH)),
  lanes: v.optional(count),
  computedDtype: v.optional(dtype),
  note: v.optional(text(MAX_NOTE_LENGTH)),
  peerVersions: v.optional(text(MAX_DEVICE_NAME_LENGTH)),
  reduce: v.optional(oneOf(REDUCE_MODES)),
  value: v.optional(measured),
  at: v.optional(location),
  reference: v.optional(measured),
  referenceAt: v.optional(location),
  error: v.optional(measured),
  integral: v.optional(measured),
  // The roofline's fields (compute/machine/types.ts), all optional.
  bytesMoved: v.optional(measured),
  opsPerPoint: v.optional(measured),
  transcendentalsPerPoint: v.optional(measured),
  arithmeticIntensity: v.optional(measured),
  achievedGBps: v.optional(measured),
  gPointsPerS: v.optional(measured),
  bound: v.optional(oneOf(ROOFLINE_BOUNDS)),
  roofFraction: v.optional(measured),
});
true satisfies SameType<v.InferOutput<typeof runRecord>, RunRecord>;
