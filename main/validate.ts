// Checks every request at the boundary, before main acts on it: the renderer
// is trusted no further than a web page. One validator per invoke channel,
// typed against the contract, so a channel without one does not compile. A
// bad request is refused with a message naming the field; nothing is coerced.

import { GRID_FORMATS, RESULTS_FORMATS, type InvokeChannel, type RequestOf, type RunSettings } from './contract.js';
import type { RunRecord } from '../compute/index.js';
import { APP_GRID_LIMITS, DOMAIN_MAX_ABS } from '../compute/limits.js';
import { RECORD_BACKENDS, STRATEGY_NAMES } from '../compute/strategies/types.js';
import { LESSON_STEP_IDS } from '../compute/classroom/lessonSteps.js';
import { LAYOUT_ITEMS, THEMES } from '../compute/classroom/settingsVocabulary.js';

export class InvalidRequestError extends Error {
  constructor(channel: string, message: string) {
    super(`${channel}: ${message}`);
    this.name = 'InvalidRequestError';
  }
}

const STRATEGIES = STRATEGY_NAMES;
/** The app's range of n (compute/limits.ts); the engine's own limits still apply. */
export const MIN_N = APP_GRID_LIMITS.nMin;
export const MAX_N = APP_GRID_LIMITS.nMax;
const SWEEP_MAX_POINTS = APP_GRID_LIMITS.sweepMaxPoints;
const MAX_FORMULA_LENGTH = 500;
const MAX_REPEATS = 100;
const MAX_RECORDS = 10000;
/** The timing loop's cap on warm calls (compute/strategies/timing.ts's MAX_TIMED_CALLS). */
const MAX_SAMPLES = 1000;
const MAX_PNG_BYTES = 64 * 1024 * 1024;

type Check = (value: unknown, path: string) => void;

function fail(path: string, message: string): never {
  throw new TypeError(`${path} ${message}`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

function object(fields: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (value, path) => {
    if (!isObject(value)) fail(path, 'must be an object');
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(fields, key) && !Object.hasOwn(optional, key)) fail(`${path}.${key}`, 'is not expected');
    }
    for (const [key, check] of Object.entries(fields)) check(value[key], `${path}.${key}`);
    for (const [key, check] of Object.entries(optional)) if (value[key] !== undefined) check(value[key], `${path}.${key}`);
  };
}

function integer(min: number, max: number): Check {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(path, `must be an integer from ${min} to ${max}`);
  };
}

/** A measured figure: any number, NaN and ±Infinity included (an error against a reference can be NaN). */
const measured: Check = (value, path) => {
  if (typeof value !== 'number') fail(path, 'must be a number');
};

function text(maxLength: number, pattern?: RegExp): Check {
  return (value, path) => {
    if (typeof value !== 'string' || value.length > maxLength) fail(path, `must be text of at most ${maxLength} characters`);
    if (pattern && !pattern.test(value)) fail(path, `has an unexpected form`);
  };
}

function oneOf(values: readonly string[]): Check {
  return (value, path) => {
    if (typeof value !== 'string' || !values.includes(value)) fail(path, `must be one of ${values.join(', ')}`);
  };
}

function list(item: Check, maxLength: number): Check {
  return (value, path) => {
    if (!Array.isArray(value) || value.length > maxLength) fail(path, `must be a list of at most ${maxLength}`);
    value.forEach((v, k) => item(v, `${path}[${k}]`));
  };
}

const boolean: Check = (value, path) => {
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
};

const nothing: Check = (value, path) => {
  if (value !== null && value !== undefined) fail(path, 'must be empty');
};

/** A domain [start, stop]: finite, increasing, within the engine's bound (compute/limits.ts). */
const MAX_RANGE = DOMAIN_MAX_ABS;
const range: Check = (value, path) => {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_RANGE)) {
    fail(path, `must be two finite numbers [start, stop] within ±${MAX_RANGE}`);
  }
  if (!(value[0] < value[1])) fail(path, 'must run from a smaller number to a larger one');
};

const dtype = oneOf(['float32', 'float64']);
const strategy = oneOf(STRATEGIES);
const formula = text(MAX_FORMULA_LENGTH);

const gridFields = { nx: integer(MIN_N, MAX_N), ny: integer(MIN_N, MAX_N), xRange: range, yRange: range, dtype, formula };
const runFields = {
  ...gridFields,
  strategies: list(strategy, STRATEGIES.length),
  repeats: integer(0, MAX_REPEATS),
  devices: integer(0, 1024),
};

/** A non-negative whole count. */
const count = integer(0, Number.MAX_SAFE_INTEGER);

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

// Typed against RunRecord both ways: a field added to the record and not here, or here and not there, fails to compile.
const recordFields = {
  strategy: oneOf([...STRATEGIES, 'limit']),
  n: integer(1, 1_000_000),
  nx: integer(1, 1_000_000),
  ny: integer(1, 1_000_000),
  xRange: range,
  yRange: range,
  dtype,
  backend: oneOf(RECORD_BACKENDS),
  devices: integer(0, 1 << 16),
  shape: list(integer(0, 1_000_000), 2),
  firstMs: measured,
  medianMs: measured,
  minMs: measured,
  maxMs: measured,
  repeats: integer(0, 1_000_000),
  samplesMs: list(measured, MAX_SAMPLES),
  iqrMs: measured,
  stddevMs: measured,
  noisy: boolean,
  predictedBytes: measured,
  maxAbsErr: measured,
  allclose: boolean,
  nonFinite: object({ nan: count, posInf: count, negInf: count }),
  nonFiniteMatch: boolean,
  formula: text(MAX_FORMULA_LENGTH),
  outputBuffer: oneOf(['fresh', 'recycled']),
} satisfies { [K in RequiredKeys<RunRecord>]: Check };
const recordOptionalFields = {
  uploadMs: measured,
  kernelMs: measured,
  readbackMs: measured,
  deviceName: text(500),
  computedDtype: dtype,
  note: text(2000),
  noisyReason: text(2000),
  shapeError: text(2000),
  peakBytes: measured,
  peerVersions: text(500),
} satisfies { [K in OptionalKeys<RunRecord>]: Check };

const record: Check = object(recordFields, recordOptionalFields);

const png: Check = (value, path) => {
  if (!(value instanceof Uint8Array) || value.byteLength > MAX_PNG_BYTES) fail(path, 'must be PNG bytes');
  // The PNG signature: only an image is written where the user asked for one.
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, k) => value[k] === b)) fail(path, 'is not a PNG image');
};

// The classroom's requests. Settings are checked field by field here, and again by the engine before a file is written.
const taskId = text(64, /^[\w-]+$/);
const settings = object({
  formula,
  nx: integer(MIN_N, MAX_N),
  ny: integer(MIN_N, MAX_N),
  xRange: range,
  yRange: range,
  dtype,
  strategies: list(strategy, STRATEGIES.length),
  lessonStep: integer(0, 7),
  sweep: object({ nMin: integer(MIN_N, MAX_N), nMax: integer(MIN_N, MAX_N), points: integer(1, SWEEP_MAX_POINTS) }),
  theme: oneOf(THEMES),
  projector: boolean,
  layout: object({ hidden: list(oneOf(LAYOUT_ITEMS), LAYOUT_ITEMS.length), hiddenStrategies: list(strategy, STRATEGIES.length), presenter: boolean }),
});
const pythonProgram = object({ strategy }, { n: integer(MIN_N, MAX_N), nx: integer(MIN_N, MAX_N), ny: integer(MIN_N, MAX_N), xRange: range, yRange: range, formula, dtype });
const sweepRequest = object(
  { nMin: integer(MIN_N, MAX_N), nMax: integer(MIN_N, MAX_N), points: integer(1, SWEEP_MAX_POINTS), strategies: list(strategy, STRATEGIES.length) },
  { dtype, formula, repeats: integer(0, MAX_REPEATS), xRange: range, yRange: range },
);
const lessonGrid = object({ nx: integer(MIN_N, MAX_N), ny: integer(MIN_N, MAX_N), xRange: range, yRange: range });

const validators: { [C in InvokeChannel]: Check } = {
  'app:info': nothing,
  'formula:check': object({ text: formula }),
  'surface:preview': object(gridFields),
  'graph:trace': object(gridFields),
  'run:guard': object(runFields),
  'run:start': object({ ...runFields, runId: text(64, /^[\w-]+$/), includeFloor: boolean }),
  'run:cancel': object({ runId: text(64, /^[\w-]+$/) }),
  'session:restore': nothing,
  'session:dismiss': nothing,
  'export:results': object({ records: list(record, MAX_RECORDS) }, { format: oneOf(RESULTS_FORMATS) }),
  'export:grid': object(gridFields, { format: oneOf(GRID_FORMATS) }),
  'export:png': object({ png }),
  'classroom:lesson': object({ taskId, step: integer(0, LESSON_STEP_IDS.length - 1), formula, dtype }, { grid: lessonGrid }),
  'classroom:sweep': object({ taskId, sweep: sweepRequest }),
  'classroom:threads': object({ taskId, sweep: object({ n: integer(MIN_N, MAX_N), dtype, formula }) }),
  'classroom:cancel': object({ taskId }),
  'classroom:jax': pythonProgram,
  'export:python': pythonProgram,
  'export:sweep': object({ taskId }),
  'settings:save': object({ settings }),
  'settings:parse': object({ text: text(64 * 1024) }),
  'settings:remember': object({ settings }),
  'settings:restore': nothing,
  'theme:set': object({ theme: oneOf(THEMES) }),
};

/** Returns the request typed as the channel's, or throws InvalidRequestError. */
export function validateRequest<C extends InvokeChannel>(channel: C, request: unknown): RequestOf<C> {
  const check = validators[channel];
  if (!check) throw new InvalidRequestError(String(channel), 'unknown channel');
  try {
    check(request, 'request');
  } catch (error) {
    throw new InvalidRequestError(channel, error instanceof Error ? error.message : String(error));
  }
  return (request ?? null) as RequestOf<C>;
}

/** Whether a value is a whole run record of today's shape (the results log skips older or damaged ones). */
export function isRunRecord(value: unknown): value is RunRecord {
  try {
    record(value, 'record');
    return true;
  } catch {
    return false;
  }
}

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(validators, value);
}

export type { RunSettings, RunRecord };
