// The words every payload schema is written in (valibot schemas): an integer
// in a range, text up to a length, one of a list, a domain [start, stop], a
// strict object. Each carries its rule as the message ("must be an integer
// from 1 to 20000"), so a refusal reads the same wherever the schema is used
// (describe.ts puts the field's path in front). The app's fields (a grid
// side, a domain, a dtype, a formula) are built here once from the limits in
// compute/limits.ts. A leaf: valibot and the limits only, so main's bundle
// does not pull in the engine.

import * as v from 'valibot';
import { DTYPES } from '../core/dtype.js';
import { APP_GRID_LIMITS, DOMAIN_MAX_ABS, FORMULA_MAX_LENGTH } from '../limits.js';

/**
 * True when A and B are the same type, not merely assignable: a field the
 * schema lacks (optional ones included) or adds makes it false. Used as
 * `true satisfies SameType<v.InferOutput<typeof schema>, Interface>`, so a
 * schema and the interface it checks cannot drift apart.
 */
export type SameType<A, B> =
  (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
/**
 * An object type with an intersection at its top (GridSettings & { format? }) written out as one object, as a schema's
 * output is.
 */
type Plain<T> = { [K in keyof T]: T[K] };

export function integer(min: number, max: number) {
  const rule = `must be an integer from ${min} to ${max}`;
  return v.pipe(v.number(rule), v.integer(rule), v.minValue(min, rule), v.maxValue(max, rule));
}

/** A measured figure: any number, NaN and ±Infinity included (an error against a reference can be NaN). */
export const measured = v.custom<number>((value) => typeof value === 'number', 'must be a number');

/** A non-negative whole count. */
export const count = integer(0, Number.MAX_SAFE_INTEGER);

export const boolean = v.boolean('must be true or false');

export function text(maxLength: number) {
  const rule = `must be text of at most ${maxLength} characters`;
  return v.pipe(v.string(rule), v.maxLength(maxLength, rule));
}

/** A name chosen by the renderer (a run id, a task id): letters, digits, _ and -, never a path. */
export const name = v.pipe(text(64), v.regex(/^[\w-]+$/, 'has an unexpected form'));

export function oneOf<const T extends string>(values: readonly T[]) {
  return v.picklist(values, `must be one of ${values.join(', ')}`);
}

/** A list of at most maxLength items, its length checked before any item is. */
export function list<Item extends v.GenericSchema>(item: Item, maxLength: number) {
  const rule = `must be a list of at most ${maxLength}`;
  return v.pipe(v.array(v.unknown(), rule), v.maxLength(maxLength, rule), v.array(item, rule));
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

/** The first rule a schema states, read by running it on nothing: what a missing field should have been. */
function ruleOf(schema: v.GenericSchema | undefined): string {
  const issue = schema && v.safeParse(schema, undefined, { abortEarly: true }).issues?.[0];
  return issue ? issue.message : 'is missing';
}

/**
 * An object with exactly these fields: a field it does not know is refused
 * ("is not expected"), not ignored, and a missing one is refused with the
 * field's own rule. Nothing is filled in or coerced.
 */
export function strict<const Entries extends v.ObjectEntries>(entries: Entries) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'),
    v.strictObject(entries, (issue) => {
      if (issue.expected === 'never') return 'is not expected';
      const key = issue.path?.at(-1)?.key;
      return typeof key === 'string' ? ruleOf(entries[key]) : 'must be an object';
    }),
  );
}

/** An object read leniently (a document from another version): fields it does not know are left out, not refused. */
export function loose<const Entries extends v.ObjectEntries>(entries: Entries, message = 'must be an object') {
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, message), v.object(entries));
}

/** A domain [start, stop]: two finite numbers within the engine's bound, increasing (a Grid's, never written to). */
export const range = v.pipe(
  v.custom<readonly [number, number]>(
    (value) =>
      Array.isArray(value) &&
      value.length === 2 &&
      value.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= DOMAIN_MAX_ABS),
    `must be two finite numbers [start, stop] within ±${DOMAIN_MAX_ABS}`,
  ),
  v.check(([start, stop]) => start < stop, 'must run from a smaller number to a larger one'),
);

/** One side of a grid (nx, ny, n, a sweep's bounds) as the app accepts it. */
export const side = integer(APP_GRID_LIMITS.nMin, APP_GRID_LIMITS.nMax);
/** A side of a run to a number: larger, since no grid is kept; a run to the grid is held to `side` (gridOrAnswer). */
export const answerSide = integer(APP_GRID_LIMITS.nMin, APP_GRID_LIMITS.answerNMax);

/** Sides with the output they are for: absent or 'grid' is the grid; any other is a number from it. */
export type OutputSides = { n?: number; nx?: number; ny?: number; reduce?: string | undefined };
const SIDE_RULE = `must be an integer from ${APP_GRID_LIMITS.nMin} to ${APP_GRID_LIMITS.nMax}`;
/** A number keeps no grid: its sides may reach answerNMax (answerSide checked that); a grid's keep to `side`'s rule. */
const sideFitsOutput = (s: OutputSides, n: number | undefined) =>
  n === undefined || (s.reduce !== undefined && s.reduce !== 'grid') || n <= APP_GRID_LIMITS.nMax;
/**
 * An object whose sides (nx and ny, and n where it has one) are `answerSide`s, held to `side`'s rule, in its
 * words and at its field, unless its output is a number: run requests, the traced graphs, the JAX export and
 * the settings documents that carry an output.
 */
export function sidesFitOutput<S extends v.GenericSchema<unknown, OutputSides>>(schema: S) {
  const fits = (key: 'n' | 'nx' | 'ny') =>
    v.forward(
      v.check((s: OutputSides) => sideFitsOutput(s, s[key]), SIDE_RULE),
      [key],
    );
  const checked: v.GenericSchema<v.InferInput<S>, OutputSides> = v.pipe(
    schema as v.GenericSchema<v.InferInput<S>, OutputSides>,
    fits('n'),
    fits('nx'),
    fits('ny'),
  );
  // A check hands its value on unchanged: the output is the schema's, every field kept.
  return checked as v.GenericSchema<v.InferInput<S>, v.InferOutput<S>>;
}

/** Sizes in one sweep. */
export const sweepPoints = integer(1, APP_GRID_LIMITS.sweepMaxPoints);

/** A sweep's nx : ny, held while nx is swept: no flatter than one row of the app's longest side, nor taller. */
const aspectRule = `must be a number from 1/${APP_GRID_LIMITS.nMax} to ${APP_GRID_LIMITS.nMax}`;
export const sweepAspect = v.pipe(
  v.number(aspectRule),
  v.finite(aspectRule),
  v.minValue(1 / APP_GRID_LIMITS.nMax, aspectRule),
  v.maxValue(APP_GRID_LIMITS.nMax, aspectRule),
);

export const dtype = oneOf(DTYPES);

/** A formula's text, before it is parsed (the parser, not the schema, says whether it is one). */
export const formula = text(FORMULA_MAX_LENGTH);
