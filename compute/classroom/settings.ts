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

import { DTYPES, type DType } from '../core/dtype.js';
import { checkFormula } from '../formula/index.js';
import { APP_GRID_LIMITS, DOMAIN_MAX_ABS } from '../limits.js';
import { DEFAULT_FORMULA, GRID_RANGE, LAB_STRATEGY_NAMES, STRATEGY_NAMES, type StrategyName } from '../strategies/types.js';
import { LESSON_STEP_IDS } from './lessonSteps.js';

import { LAYOUT_ITEMS, MAX_SETTINGS_BYTES, THEMES, type LayoutSettings, type Theme } from './settingsVocabulary.js';

export { LAYOUT_ITEMS, MAX_SETTINGS_BYTES, SETTINGS_EXTENSION, THEMES, type LayoutItem, type LayoutSettings, type Theme } from './settingsVocabulary.js';

export const SETTINGS_FORMAT = 'vlab-settings';
export const SETTINGS_VERSION = 1;


export interface LabSettings {
  formula: string;
  /**
   * Points along x and y. A file may give `n` instead, the square shorthand
   * (files from before rectangular grids do); a square grid is also written
   * with `n`, so that those versions open it the same.
   */
  nx: number;
  ny: number;
  /** The domain of x and of y. */
  xRange: [number, number];
  yRange: [number, number];
  dtype: DType;
  strategies: StrategyName[];
  /** 0-based index of the lesson step on screen. */
  lessonStep: number;
  sweep: { nMin: number; nMax: number; points: number };
  theme: Theme;
  projector: boolean;
  layout: LayoutSettings;
}

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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : JSON.stringify(v) ?? String(v));

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`'${field}' must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function range(value: unknown, field: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= DOMAIN_MAX_ABS)) {
    throw new SettingsError(`'${field}' must be two numbers [start, stop] within ±${DOMAIN_MAX_ABS}, got ${show(value)}`);
  }
  if (!(value[0] < value[1])) throw new SettingsError(`'${field}' must run from a smaller number to a larger one, got ${show(value)}`);
  return [value[0], value[1]];
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new SettingsError(`'${field}' must be one of ${allowed.join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** Checks a settings object field by field; fields it does not know are left out, missing ones take the defaults. */
export function validateSettings(data: unknown): LabSettings {
  if (!isRecord(data)) throw new SettingsError('a settings file holds one JSON object');
  if (data.format !== SETTINGS_FORMAT) {
    throw new SettingsError(`not a Vectorization Lab settings file: 'format' should be '${SETTINGS_FORMAT}', got ${show(data.format)}`);
  }
  if (data.version !== SETTINGS_VERSION) {
    throw new SettingsError(`settings version ${show(data.version)} is not supported: this lab reads version ${SETTINGS_VERSION}`);
  }
  const out = defaultSettings();
  if (data.formula !== undefined) {
    if (typeof data.formula !== 'string') throw new SettingsError(`'formula' must be text, got ${show(data.formula)}`);
    const check = checkFormula(data.formula);
    if (!check.ok) throw new SettingsError(`'formula' does not parse: ${check.message} (at character ${check.position + 1})`);
    out.formula = data.formula;
  }
  const side = (value: unknown, field: string) => integer(value, field, APP_GRID_LIMITS.nMin, APP_GRID_LIMITS.nMax);
  if (data.n !== undefined) out.nx = out.ny = side(data.n, 'n');
  if (data.nx !== undefined) out.nx = side(data.nx, 'nx');
  if (data.ny !== undefined) out.ny = side(data.ny, 'ny');
  if (data.xRange !== undefined) out.xRange = range(data.xRange, 'xRange');
  if (data.yRange !== undefined) out.yRange = range(data.yRange, 'yRange');
  if (data.dtype !== undefined) out.dtype = oneOf(data.dtype, 'dtype', DTYPES);
  if (data.strategies !== undefined) {
    if (!Array.isArray(data.strategies)) throw new SettingsError(`'strategies' must be a list of strategy names, got ${show(data.strategies)}`);
    out.strategies = [...new Set(data.strategies.map((s, i) => oneOf(s, `strategies[${i}]`, STRATEGY_NAMES)))];
  }
  if (data.lessonStep !== undefined) out.lessonStep = integer(data.lessonStep, 'lessonStep', 0, LESSON_STEP_IDS.length - 1);
  if (data.sweep !== undefined) {
    if (!isRecord(data.sweep)) throw new SettingsError(`'sweep' must be an object with nMin, nMax and points, got ${show(data.sweep)}`);
    const s = data.sweep;
    const nMin = s.nMin === undefined ? out.sweep.nMin : integer(s.nMin, 'sweep.nMin', APP_GRID_LIMITS.nMin, APP_GRID_LIMITS.nMax);
    const nMax = s.nMax === undefined ? out.sweep.nMax : integer(s.nMax, 'sweep.nMax', APP_GRID_LIMITS.nMin, APP_GRID_LIMITS.nMax);
    if (nMax < nMin) throw new SettingsError(`'sweep.nMax' (${nMax}) must not be below 'sweep.nMin' (${nMin})`);
    const points = s.points === undefined ? out.sweep.points : integer(s.points, 'sweep.points', 1, APP_GRID_LIMITS.sweepMaxPoints);
    out.sweep = { nMin, nMax, points };
  }
  if (data.theme !== undefined) out.theme = oneOf(data.theme, 'theme', THEMES);
  if (data.projector !== undefined) {
    if (typeof data.projector !== 'boolean') throw new SettingsError(`'projector' must be true or false, got ${show(data.projector)}`);
    out.projector = data.projector;
  }
  if (data.layout !== undefined) out.layout = validateLayout(data.layout);
  return out;
}

/**
 * A layout, checked. An item this version does not know (from a newer file)
 * is left out rather than refused: hiding something that is not there is
 * harmless, and the rest of the file still opens.
 */
function validateLayout(layout: unknown): LayoutSettings {
  if (!isRecord(layout)) throw new SettingsError(`'layout' must be an object with hidden, hiddenStrategies and presenter, got ${show(layout)}`);
  const out: LayoutSettings = { hidden: [], hiddenStrategies: [], presenter: false };
  const names = (value: unknown, field: string): string[] => {
    if (!Array.isArray(value)) throw new SettingsError(`'${field}' must be a list of names, got ${show(value)}`);
    return value.map((item, i) => {
      if (typeof item !== 'string') throw new SettingsError(`'${field}[${i}]' must be a name, got ${show(item)}`);
      return item;
    });
  };
  if (layout.hidden !== undefined) {
    const hidden = new Set(names(layout.hidden, 'layout.hidden'));
    out.hidden = LAYOUT_ITEMS.filter((item) => hidden.has(item));
  }
  if (layout.hiddenStrategies !== undefined) {
    const hidden = new Set(names(layout.hiddenStrategies, 'layout.hiddenStrategies'));
    out.hiddenStrategies = STRATEGY_NAMES.filter((strategy) => hidden.has(strategy));
  }
  if (layout.presenter !== undefined) {
    if (typeof layout.presenter !== 'boolean') throw new SettingsError(`'layout.presenter' must be true or false, got ${show(layout.presenter)}`);
    out.presenter = layout.presenter;
  }
  return out;
}

/** Reads the text of a `.vlab.json` file. Throws SettingsError saying what is wrong. */
export function parseSettings(text: string): LabSettings {
  if (text.length > MAX_SETTINGS_BYTES) {
    throw new SettingsError(`this file is ${text.length} characters long; a settings file is at most ${MAX_SETTINGS_BYTES}`);
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
  const { formula, nx, ny, ...rest } = validateSettings({ format: SETTINGS_FORMAT, version: SETTINGS_VERSION, ...settings });
  const size = nx === ny ? { n: nx, nx, ny } : { nx, ny };
  return `${JSON.stringify({ format: SETTINGS_FORMAT, version: SETTINGS_VERSION, formula, ...size, ...rest }, null, 2)}\n`;
}
