// Checks every request at the boundary, before main acts on it: the renderer
// is trusted no further than a web page. One schema per invoke channel, in a
// table typed over the contract's channels, so a channel without one does not
// compile; each request schema is held by the compiler to the contract's
// request type. The fields are compute's schemas (compute/schema/fields.ts,
// the record's, the settings'), so a limit is stated once and every request,
// document and record that holds it is checked against the same rule. A bad
// request is refused with a message naming the field and the rule; nothing is
// coerced, and a field the contract does not name is refused, not ignored.

import * as v from 'valibot';
import {
  CHART_FORMATS,
  CHART_NAMES,
  GRID_FORMATS,
  RESULTS_FORMATS,
  type GridSettings,
  type InvokeChannel,
  type RequestOf,
  type RunSettings,
} from './contract.js';
import type { RunRecord } from '../compute/index.js';
import {
  APP_MAX_REPEATS,
  NATIVE_MAX_THREADS,
  REDUCE_MODES,
  answerSide,
  calibrationRequest,
  check,
  type Refusal,
  boolean,
  dtype,
  formula,
  integer,
  list,
  name,
  oneOf,
  range,
  side,
  sidesFitOutput,
  strict,
  sweepAspect,
  sweepPoints,
  text,
  type SameType,
  labStrategy,
  runRecord,
  strategies,
  labSettings,
  lessonStep,
  runningUpwards,
  theme,
  MAX_SETTINGS_BYTES,
} from '../compute/leaves.js';

export class InvalidRequestError extends Error {
  constructor(channel: string, message: string) {
    super(`${channel}: ${message}`);
    this.name = 'InvalidRequestError';
  }
}

/** The most records one export takes. */
const MAX_RECORDS = 10000;
const MAX_PNG_BYTES = 64 * 1024 * 1024;

/** A request with nothing in it. */
const nothing = v.pipe(
  v.custom<null | undefined>((value) => value === null || value === undefined, 'must be empty'),
  v.transform((): null => null),
);

const gridFields = { nx: side, ny: side, xRange: range, yRange: range, dtype, formula };
const gridSettings = strict(gridFields);
true satisfies SameType<v.InferOutput<typeof gridSettings>, GridSettings>;

const runFields = {
  ...gridFields,
  nx: answerSide,
  ny: answerSide,
  strategies,
  repeats: integer(0, APP_MAX_REPEATS),
  devices: integer(0, NATIVE_MAX_THREADS),
  reduce: v.optional(oneOf(REDUCE_MODES)),
};
/** A run to the grid keeps its sides to the grid's limit; a run to a number may reach answerNMax. */
const runSettings = sidesFitOutput(strict(runFields));
true satisfies SameType<v.InferOutput<typeof runSettings>, RunSettings>;

/** The PNG signature: only an image is written where the user asked for one. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = v.pipe(
  v.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be PNG bytes'),
  v.maxLength(MAX_PNG_BYTES, 'must be PNG bytes'),
  v.check((bytes) => PNG_SIGNATURE.every((b, k) => bytes[k] === b), 'is not a PNG image'),
);

/** A chart's file: an SVG document's text (UTF-8), or a PNG image. */
const SVG_START = '<svg';
const chartFile = v.pipe(
  strict({
    chart: oneOf(CHART_NAMES),
    format: oneOf(CHART_FORMATS),
    data: v.pipe(
      v.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes'),
      v.maxLength(MAX_PNG_BYTES, 'must be bytes'),
    ),
  }),
  v.check(
    ({ format, data }) =>
      format === 'png'
        ? PNG_SIGNATURE.every((b, k) => data[k] === b)
        : new TextDecoder().decode(data.subarray(0, 200)).trimStart().startsWith(SVG_START),
    'is not an image of the format it names',
  ),
);

/** A program for the lab's output: a number's (the reduction program, no strategy) may name sides past the grid's. */
const pythonProgram = sidesFitOutput(
  strict({
    strategy: v.optional(labStrategy),
    n: v.optional(answerSide),
    nx: v.optional(answerSide),
    ny: v.optional(answerSide),
    xRange: v.optional(range),
    yRange: v.optional(range),
    formula: v.optional(formula),
    dtype: v.optional(dtype),
    reduce: v.optional(oneOf(REDUCE_MODES)),
    cluster: v.optional(boolean),
  }),
);
/** The traced graphs: a number output's trace allocates no grid, so its sides may reach the answer limit. */
const traceRequest = sidesFitOutput(
  strict({ ...gridFields, nx: answerSide, ny: answerSide, reduce: v.optional(oneOf(REDUCE_MODES)) }),
);
/** The sweep's range runs upwards, as a settings file's must (the same check). */
const sweepRequest = runningUpwards(
  strict({
    nMin: side,
    nMax: side,
    points: sweepPoints,
    ny: v.optional(side),
    aspect: v.optional(sweepAspect),
    strategies,
    dtype: v.optional(dtype),
    formula: v.optional(formula),
    repeats: v.optional(integer(0, APP_MAX_REPEATS)),
    xRange: v.optional(range),
    yRange: v.optional(range),
  }),
);
const lessonGrid = strict({ nx: side, ny: side, xRange: range, yRange: range });

/** Each channel's request schema, its output the contract's request type exactly. */
const requestSchemas = {
  'app:info': nothing,
  'app:probed': nothing,
  'formula:check': strict({ text: formula }),
  'surface:preview': gridSettings,
  'graph:trace': traceRequest,
  'run:guard': runSettings,
  'run:start': sidesFitOutput(strict({ ...runFields, runId: name, includeFloor: boolean })),
  'run:cancel': strict({ runId: name }),
  'live:calibrate': calibrationRequest,
  'session:restore': nothing,
  'session:dismiss': nothing,
  'export:results': strict({ records: list(runRecord, MAX_RECORDS), format: v.optional(oneOf(RESULTS_FORMATS)) }),
  'export:grid': strict({ ...gridFields, format: v.optional(oneOf(GRID_FORMATS)) }),
  'export:png': strict({ png }),
  'export:chart': chartFile,
  'machine:profile': strict({ measure: boolean, refresh: boolean }),
  'machine:cancel': nothing,
  'classroom:lesson': strict({ taskId: name, step: lessonStep, formula, dtype, grid: v.optional(lessonGrid) }),
  'classroom:sweep': strict({ taskId: name, sweep: sweepRequest }),
  'classroom:threads': strict({ taskId: name, sweep: gridSettings }),
  'classroom:cancel': strict({ taskId: name }),
  'classroom:jax': pythonProgram,
  'export:python': pythonProgram,
  'export:sweep': strict({ taskId: name }),
  'settings:save': strict({ settings: labSettings }),
  'settings:parse': strict({ text: text(MAX_SETTINGS_BYTES) }),
  'settings:remember': strict({ settings: labSettings }),
  'settings:restore': nothing,
  'theme:set': strict({ theme }),
} satisfies Record<InvokeChannel, v.GenericSchema>;

/**
 * The channels whose schema's output is not exactly the contract's request.
 * None may be: a field the contract adds, drops or retypes fails to compile
 * here, naming the channel ("Property 'run:start' is missing").
 */
type Mismatched = {
  [C in InvokeChannel]: SameType<v.InferOutput<(typeof requestSchemas)[C]>, RequestOf<C>> extends true ? never : C;
}[InvokeChannel];
const everySchemaIsItsRequest: Record<Mismatched, never> = {};
void everySchemaIsItsRequest;

/** A refusal as an IPC error says it: "request.nx must be an integer from 1 to 20000". */
function describeRefusal({ path, rule }: Refusal, root = 'request'): string {
  return `${root}${path && !path.startsWith('[') ? '.' : ''}${path} ${rule}`;
}

/** Returns the request typed as the channel's, or throws InvalidRequestError. */
export function validateRequest<C extends InvokeChannel>(channel: C, request: unknown): RequestOf<C> {
  if (!isInvokeChannel(channel)) throw new InvalidRequestError(String(channel), 'unknown channel');
  const checked = check(requestSchemas[channel], request);
  if (!checked.ok) throw new InvalidRequestError(channel, describeRefusal(checked.refusal));
  return checked.value as RequestOf<C>;
}

/** Why a value is not a whole run record of today's shape (in export:results' words), or null when it is one. */
export function runRecordRefusal(value: unknown): string | null {
  const checked = check(runRecord, value);
  return checked.ok ? null : describeRefusal(checked.refusal, 'record');
}

/** Whether a value is a whole run record of today's shape (the results log skips older or damaged ones). */
export function isRunRecord(value: unknown): value is RunRecord {
  return runRecordRefusal(value) === null;
}

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

export type { RunSettings, RunRecord };
