// Reading a vlab command line: each option's text to the value the engine
// takes (integers, ranges, the grid, dtype, backend, strategies), with one
// readable UsageError naming the option when the text is wrong, and the two
// rewrites parseArgs needs (a negative range bound, --json with no file).
// Parses only; runs nothing.

import {
  type BackendName,
  type DType,
  type StrategyName,
  BACKEND_NAMES,
  DEFAULT_REPEATS,
  GRID_RANGE,
  STRATEGY_NAMES,
} from '../index.js';
import { type GridSpec, type ReduceMode, REDUCE_MODES } from '../strategies/types.js';
import { UsageError } from './errors.js';

/** parseArgs' values: an option's text, a flag's true, or undefined when absent. */
export type Values = Record<string, string | boolean | undefined>;

/**
 * The grid a command line names (--n, or --nx and --ny; the ranges optional): a GridSpec before its domain's default.
 */
export type GridOptions = Pick<GridSpec, 'nx' | 'ny'> & Partial<Pick<GridSpec, 'xRange' | 'yRange'>>;

/** The grid in full, the domain defaulted: what the floor and the yardsticks take. */
export function gridSpec(grid: GridOptions): GridSpec {
  return { nx: grid.nx, ny: grid.ny, xRange: grid.xRange ?? GRID_RANGE, yRange: grid.yRange ?? GRID_RANGE };
}

/** How a progress or status line names a grid: "n=80" when square, "120×70" otherwise. */
export function gridLabel({ nx, ny }: { nx: number; ny: number }): string {
  return nx === ny ? `n=${nx}` : `${nx}×${ny}`;
}

/** What every timed run of a command shares, beside its grid and strategy. */
export interface RunOptions {
  dtype: DType;
  repeats: number;
  backend?: BackendName;
  formula?: string;
  devices?: number;
  memoryCapBytes?: number;
  /** The output: the grid, or a number from it (--reduce max|min|sum|mean). */
  reduce?: ReduceMode;
}

const text = (values: Values, name: string) => values[name] as string | undefined;

export function parseInteger(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  }
  return value;
}

/** A finite number above 0 (an aspect ratio, say): 4, 0.25, 1e-2. */
export function parsePositive(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a number above 0, got '${text}'`);
  return value;
}

/** `A,B` as two finite numbers, A < B. */
export function parseRange(name: string, text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new UsageError(`--${name} must be two numbers A,B (e.g. --${name} -3,1), got '${text}'`);
  }
  if (!(values[0]! < values[1]!))
    throw new UsageError(`--${name} must run from a smaller number to a larger one, got '${text}'`);
  return [values[0]!, values[1]!];
}

/** --x-range and --y-range alone: the domain, for commands whose sizes come another way (sweep, bench). */
export function parseRanges(values: Values): Pick<GridOptions, 'xRange' | 'yRange'> {
  const xRange = parseRange('x-range', text(values, 'x-range'));
  const yRange = parseRange('y-range', text(values, 'y-range'));
  return { ...(xRange ? { xRange } : {}), ...(yRange ? { yRange } : {}) };
}

/** The grid options (--n, --nx, --ny, --x-range, --y-range) as RunRequest's fields; n is the square shorthand. */
export function parseGrid(values: Values, fallbackN?: number): GridOptions {
  const n = text(values, 'n') !== undefined ? parseInteger('n', text(values, 'n'), 0, 1) : fallbackN;
  const nx = text(values, 'nx') !== undefined ? parseInteger('nx', text(values, 'nx'), 0, 1) : n;
  const ny = text(values, 'ny') !== undefined ? parseInteger('ny', text(values, 'ny'), 0, 1) : n;
  if (nx === undefined || ny === undefined) throw new UsageError(`give the grid's size: --n N, or --nx N and --ny M`);
  return { nx, ny, ...parseRanges(values) };
}

export function parseDtype(text: string | undefined, fallback: DType): DType {
  if (text === undefined) return fallback;
  if (text !== 'float32' && text !== 'float64')
    throw new UsageError(`--dtype must be float32 or float64, got '${text}'`);
  return text;
}

export function parseBackend(text: string | undefined): BackendName | undefined {
  if (text === undefined) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(text))
    throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got '${text}'`);
  return text as BackendName;
}

export function parseStrategies(text: string | undefined): StrategyName[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--strategies is empty');
  for (const name of names) {
    if (!(STRATEGY_NAMES as readonly string[]).includes(name))
      throw new UsageError(`unknown strategy '${name}'; choose from ${STRATEGY_NAMES.join(', ')}`);
  }
  return names as StrategyName[];
}

/** --reduce, where given: the grid or a number from it. */
export function parseReduce(values: Values): ReduceMode | undefined {
  const reduce = text(values, 'reduce');
  if (reduce !== undefined && !(REDUCE_MODES as readonly string[]).includes(reduce))
    throw new UsageError(`--reduce must be one of ${REDUCE_MODES.join(', ')}, got '${reduce}'`);
  return reduce as ReduceMode | undefined;
}

/** --dtype, --repeats, --backend, --formula, --devices and --memory-cap, each where given. */
export function parseRunOptions(values: Values, dtypeFallback: DType): RunOptions {
  const backend = parseBackend(text(values, 'backend'));
  const formula = text(values, 'formula');
  const devices = text(values, 'devices');
  const memoryCap = text(values, 'memory-cap');
  const reduce = parseReduce(values);
  return {
    ...(reduce !== undefined ? { reduce } : {}),
    dtype: parseDtype(text(values, 'dtype'), dtypeFallback),
    repeats: parseInteger('repeats', text(values, 'repeats'), DEFAULT_REPEATS),
    ...(backend ? { backend } : {}),
    ...(formula !== undefined ? { formula } : {}),
    ...(devices !== undefined ? { devices: parseInteger('devices', devices, 0, 1) } : {}),
    ...(memoryCap !== undefined ? { memoryCapBytes: parseInteger('memory-cap', memoryCap, 0, 1) } : {}),
  };
}

/**
 * Options whose value may start with a dash: `--x-range -3,1` (a negative bound) is read as `--x-range=-3,1`;
 * `--aspect -2` reaches the aspect's own refusal rather than parseArgs' "ambiguous".
 */
const SIGNED_OPTIONS = new Set(['--x-range', '--y-range', '--aspect']);

/** A range's value kept as its value even when it starts with a dash, as parseArgs would otherwise refuse it. */
export function withSignedValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    if (SIGNED_OPTIONS.has(argv[k]!) && argv[k + 1] !== undefined) {
      out.push(`${argv[k]}=${argv[k + 1]}`);
      k++;
    } else {
      out.push(argv[k]!);
    }
  }
  return out;
}

/** `--json` with no file after it means stdout, as before files were possible. */
export function withJsonDefault(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    out.push(argv[k]!);
    const next = argv[k + 1];
    if (argv[k] === '--json' && (next === undefined || (next.startsWith('-') && next !== '-'))) out.push('-');
  }
  return out;
}

/** The command line as a shell would take it back, for the JSON document's `command`. */
export function commandLine(name: string, argv: readonly string[]): string {
  return ['vlab', name, ...argv]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
