// Shareable state: what a teacher set up (formula, grid size nx × ny and its
// domain, dtype,
// strategies, lesson step, sweep range, theme, projector mode and the
// teacher's layout: what is hidden, and the presenter layout) as a small
// versioned `.vlab.json` file, so a class opens on the same experiment and the
// app reopens where it was. Reading is strict about what it uses and blind to
// the rest: unknown fields are ignored (newer files still open), a bad value
// is an error that names the field and says what it should be. The file is
// parsed as JSON and nothing in it is ever run: the formula goes through the
// formula parser like anything typed in the box.

import * as v from 'valibot';
import { checkFormula } from '../formula/index.js';
import { check, show } from '../schema/describe.js';
import {
  answerSide,
  boolean,
  dtype,
  formula,
  loose,
  range,
  side,
  sidesFitOutput,
  sweepPoints,
} from '../schema/fields.js';
import { strategy } from '../strategies/recordSchema.js';
import { DEFAULT_FORMULA, GRID_RANGE, LAB_STRATEGY_NAMES, STRATEGY_NAMES } from '../strategies/types.js';
import { labSettings, lessonStep, reduceMode, theme } from './settingsSchema.js';
import { LAYOUT_ITEMS, MAX_SETTINGS_BYTES, type LabSettings } from './settingsVocabulary.js';

export {
  LAYOUT_ITEMS,
  MAX_SETTINGS_BYTES,
  SETTINGS_EXTENSION,
  THEMES,
  type LabSettings,
  type LayoutItem,
  type LayoutSettings,
  type Theme,
} from './settingsVocabulary.js';

export const SETTINGS_FORMAT = 'vlab-settings';
export const SETTINGS_VERSION = 1;

const DEFAULTS: LabSettings = {
  formula: DEFAULT_FORMULA,
  nx: 80,
  ny: 80,
  xRange: [GRID_RANGE[0], GRID_RANGE[1]],
  yRange: [GRID_RANGE[0], GRID_RANGE[1]],
  dtype: 'float32',
  strategies: [...LAB_STRATEGY_NAMES],
  lessonStep: 0,
  sweep: { nMin: 10, nMax: 2000, points: 8 },
  theme: 'system',
  projector: false,
  layout: { hidden: [], hiddenStrategies: [], presenter: false },
};
export const DEFAULT_SETTINGS: Readonly<LabSettings> = Object.freeze(DEFAULTS);

export function defaultSettings(): LabSettings {
  return structuredClone(DEFAULTS);
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const parsesAsFormula = v.check(
  (text: string) => checkFormula(text).ok,
  (issue) => {
    const result = checkFormula(issue.input as string);
    return result.ok ? 'parses' : `does not parse: ${result.message} (at character ${result.position + 1})`;
  },
);

/**
 * A list of names, kept in `order` and without repeats: names this version does not know (from a newer file) are left
 * out.
 */
const knownNames = <T extends string>(order: readonly T[]) =>
  v.pipe(
    v.array(v.string('must be a name'), 'must be a list of names'),
    v.transform((names) => order.filter((known) => names.includes(known))),
  );

/**
 * A file as it is read: a missing field takes the default (a missing sweep
 * or layout is an empty one, whose fields take theirs), a field it does
 * not know is left out, `n` is the square shorthand, strategies lose their
 * repeats, a layout loses the items this version does not know. Every field
 * present is checked by the same field schema the app's requests use, and
 * the whole by the settings' own schema last, so what opens is what the app
 * accepts, and a refusal names the field in the same words.
 */
const settingsFile = v.pipe(
  // Held to the output's limit here, at the field the file wrote (n, nx or ny): a number's sides may be larger.
  sidesFitOutput(
    v.object({
      formula: v.optional(v.pipe(formula, parsesAsFormula), DEFAULTS.formula),
      n: v.optional(answerSide),
      nx: v.optional(answerSide),
      ny: v.optional(answerSide),
      reduce: v.optional(reduceMode),
      xRange: v.optional(range, () => [...DEFAULTS.xRange]),
      yRange: v.optional(range, () => [...DEFAULTS.yRange]),
      dtype: v.optional(dtype, DEFAULTS.dtype),
      strategies: v.optional(
        v.pipe(
          v.array(strategy, 'must be a list of strategy names'),
          v.transform((names) => [...new Set(names)]),
        ),
        () => [...DEFAULTS.strategies],
      ),
      lessonStep: v.optional(lessonStep, DEFAULTS.lessonStep),
      sweep: v.optional(
        loose(
          {
            nMin: v.optional(side, DEFAULTS.sweep.nMin),
            nMax: v.optional(side, DEFAULTS.sweep.nMax),
            points: v.optional(sweepPoints, DEFAULTS.sweep.points),
          },
          'must be an object with nMin, nMax and points',
        ),
        {},
      ),
      theme: v.optional(theme, DEFAULTS.theme),
      projector: v.optional(boolean, DEFAULTS.projector),
      layout: v.optional(
        loose(
          {
            hidden: v.optional(knownNames(LAYOUT_ITEMS), () => []),
            hiddenStrategies: v.optional(knownNames(STRATEGY_NAMES), () => []),
            presenter: v.optional(boolean, DEFAULTS.layout.presenter),
          },
          'must be an object with hidden, hiddenStrategies and presenter',
        ),
        {},
      ),
    }),
  ),
  v.transform(({ n, nx, ny, ...rest }): LabSettings => ({
    ...rest,
    nx: nx ?? n ?? DEFAULTS.nx,
    ny: ny ?? n ?? DEFAULTS.ny,
  })),
);

/** The schema's output, or a SettingsError naming the field: "'nx' must be an integer from 1 to 20000, got 0". */
function checked<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = check(schema, value);
  if (result.ok) return result.value;
  const { path, rule, value: found } = result.refusal;
  throw new SettingsError(`'${path}' ${rule}, got ${show(found)}`);
}

/** Checks a settings object field by field; fields it does not know are left out, missing ones take the defaults. */
export function validateSettings(data: unknown): LabSettings {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new SettingsError('a settings file holds one JSON object');
  const { format, version } = data as { format?: unknown; version?: unknown };
  if (format !== SETTINGS_FORMAT) {
    throw new SettingsError(
      `not a Vectorization Lab settings file: 'format' should be '${SETTINGS_FORMAT}', got ${show(format)}`,
    );
  }
  if (version !== SETTINGS_VERSION) {
    throw new SettingsError(
      `settings version ${show(version)} is not supported: this lab reads version ${SETTINGS_VERSION}`,
    );
  }
  return checked(labSettings, checked(settingsFile, data));
}

/** Reads the text of a `.vlab.json` file. Throws SettingsError saying what is wrong. */
export function parseSettings(text: string): LabSettings {
  if (text.length > MAX_SETTINGS_BYTES) {
    throw new SettingsError(
      `this file is ${text.length} characters long; a settings file is at most ${MAX_SETTINGS_BYTES}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SettingsError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validateSettings(data);
}

/** The text of a `.vlab.json` file for these settings (validated first, so a saved file always reads back). */
export function settingsToJson(settings: LabSettings): string {
  const { formula, nx, ny, ...rest } = validateSettings({
    format: SETTINGS_FORMAT,
    version: SETTINGS_VERSION,
    ...settings,
  });
  const size = nx === ny ? { n: nx, nx, ny } : { nx, ny };
  const contents = { format: SETTINGS_FORMAT, version: SETTINGS_VERSION, formula, ...size, ...rest };
  return `${JSON.stringify(contents, null, 2)}\n`;
}
