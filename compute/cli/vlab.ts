// vlab: the engine from the terminal. `run` measures strategies at one n,
// `bench` sweeps n and prints ratios against yardsticks measured in the same
// run, `sweep` runs the classroom's log-spaced sweep, `devices` lists what the
// engine sees, `trace` prints f as each strategy traces it and the kernel it
// lowers to, `jax` writes the same experiment as a JAX program to run beside
// the lab. A thin shell: all work is in compute/.
//
// A well-behaved Unix tool: results (tables, JSON, CSV, Markdown) go to
// stdout, status lines ("wrote FILE", "skipping …") and progress to stderr;
// progress only when stderr is a terminal (--progress forces it, --quiet
// silences status lines too); `--json -`, `--csv -` and `--markdown -` write
// that format to stdout instead of the table. `vlab help` and
// `vlab COMMAND --help` print usage and exit 0; a bad argument gives one
// line on stderr and exit code 2. main() takes its streams as arguments so
// tests need not care how the binary is launched.

import { writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  type BackendName,
  type DType,
  type RunRecord,
  type StrategyName,
  BACKEND_NAMES,
  CancelledError,
  DEFAULT_FORMULA,
  DEFAULT_REPEATS,
  GRID_RANGE,
  FormulaError,
  MemoryGuardError,
  RunRequestError,
  STRATEGY_NAMES,
  LAB_STRATEGY_NAMES,
  isPeerStrategy,
  backendStatus,
  backendStatuses,
  cpuDevices,
  devices,
  formatBytes,
  loadBackends,
  runStrategy,
  strategyAvailability,
  compileFormula,
  traceStrategies,
  jaxProgram,
} from '../index.js';
import { measureLimit } from '../strategies/limit.js';
import { defaultBackend } from '../strategies/run.js';
import { handWrittenLoopMs } from '../bench/handLoop.js';
import { nativeBenchLines } from '../bench/nativeBench.js';
import { ThreadScalingError, measureThreadScaling, threadCounts, threadScalingLines } from '../strategies/threadScaling.js';
import { runSweep, sweepToCsv, SweepRequestError, type SweepEntry } from '../classroom/sweep.js';
import { machineInfo, appVersion } from '../report/machine.js';
import { resultsJson, type RefusedRun, type SkippedRun } from '../report/jsonExport.js';
import { resultsToMarkdown } from '../report/markdown.js';
import { writeNpy } from '../report/npy.js';
import { formatError, formatMs, formatTable } from './table.js';

/** Where the CLI writes: process.stdout and process.stderr, or a test's buffers. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

const OUTPUT_USAGE = `output:
  --json [FILE|-]   results as JSON ({schema, version, machine, records, limits, refused, skipped});
                    '-' or no FILE: to stdout instead of the table
  --csv FILE|-      results as CSV (one row per run, the machine on every row)
  --markdown FILE|- results as a Markdown table (as hyperfine's --export-markdown)
  --quiet           no status lines or progress on stderr (errors still)
  --progress        progress on stderr even when it is not a terminal`;

interface CommandSpec {
  summary: string;
  usage: string;
  /** Options beyond the output ones. */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the output options (--json, --csv, --markdown, --quiet, --progress) apply. */
  outputs: boolean;
}

const grid = {
  n: { type: 'string' },
  nx: { type: 'string' },
  ny: { type: 'string' },
  'x-range': { type: 'string' },
  'y-range': { type: 'string' },
  dtype: { type: 'string' },
  formula: { type: 'string' },
} as const;

const GRID_USAGE = `  --n N             the square shorthand: N points along x and along y
  --nx N, --ny N    points along x (the rows, i) and along y (the columns, j); each defaults to --n.
                    z[i, j] = f(x[i], y[j]), shape (nx, ny)
  --x-range A,B     x = linspace(A, B, nx) (default -2,2); a negative A may follow a space: --x-range -3,1
  --y-range C,D     y = linspace(C, D, ny) (default -2,2)`;

const COMMANDS: Record<string, CommandSpec> = {
  run: {
    summary: 'time strategies at one grid size',
    usage: `vlab run (--n N | --nx N --ny M) [--x-range A,B] [--y-range C,D] [--strategies a,b,…]
         [--dtype float32|float64] [--repeats K] [--backend ${BACKEND_NAMES.join('|')}] [--formula "…"] [--devices D]
         [--memory-cap BYTES] [--json [FILE|-]] [--csv FILE|-] [--markdown FILE|-] [--npy FILE] [--quiet] [--progress]

${GRID_USAGE}
  --strategies      comma-separated, from ${STRATEGY_NAMES.join(', ')} (default: all available)
  --dtype           float32 (default, as JAX) or float64
  --repeats K       warm calls timed after the first, at least (default ${DEFAULT_REPEATS}; quick calls are timed more)
  --backend         for single-device strategies (default: the fastest available)
  --formula "…"     f(x, y) (default: ${DEFAULT_FORMULA})
  --devices D       native threads for pmap (default: all)
  --memory-cap B    refuse runs predicted to need more than B bytes
  --npy FILE        the grid (of the first strategy that computes all of it) as a NumPy .npy file`,
    options: { ...grid, strategies: { type: 'string' }, repeats: { type: 'string' }, backend: { type: 'string' }, devices: { type: 'string' }, 'memory-cap': { type: 'string' }, npy: { type: 'string' } },
    outputs: true,
  },
  bench: {
    summary: 'time strategies over several sizes, with ratios against yardsticks measured in the same run',
    usage: `vlab bench [--sizes 80,1000,4000] [--strategies a,b,…] [--dtype float64] [--repeats K]
           [--backend ${BACKEND_NAMES.join('|')}] [--loops-max N] [--threads 1,2,…] [--json [FILE|-]] [--csv FILE|-] [--markdown FILE|-]

  --sizes           grid sides, comma-separated; a size the memory guard refuses is a row, not an error
  --loops-max N     skip the loops strategy above this n (default 1000: it would take minutes)
  --threads 1,2,…   at the largest size, pmap's speed-up over 1 thread beside the hand-written
                    kernel's and the write floor's on the same threads, and the ideal`,
    options: { sizes: { type: 'string' }, strategies: { type: 'string' }, dtype: { type: 'string' }, repeats: { type: 'string' }, backend: { type: 'string' }, 'loops-max': { type: 'string' }, threads: { type: 'string' } },
    outputs: true,
  },
  sweep: {
    summary: "the classroom's sweep: strategies at log-spaced sizes, refused sizes kept as rows",
    usage: `vlab sweep --from N --to N --points K [--x-range A,B] [--y-range C,D] [--strategies a,b,…]
           [--dtype float32|float64] [--repeats K] [--backend ${BACKEND_NAMES.join('|')}] [--formula "…"] [--devices D]
           [--memory-cap BYTES] [--no-limit] [--json [FILE|-]] [--csv FILE|-] [--markdown FILE|-]

  --from, --to      smallest and largest grid side (square N × N grids), both included
  --x-range A,B     the domain of every grid (default -2,2), and --y-range C,D
  --points K        how many log-spaced sizes (fewer when sizes round to the same integer)
  --no-limit        do not time the physical floor at each size`,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      points: { type: 'string' },
      'x-range': { type: 'string' },
      'y-range': { type: 'string' },
      strategies: { type: 'string' },
      dtype: { type: 'string' },
      repeats: { type: 'string' },
      backend: { type: 'string' },
      formula: { type: 'string' },
      devices: { type: 'string' },
      'memory-cap': { type: 'string' },
      'no-limit': { type: 'boolean' },
    },
    outputs: true,
  },
  devices: {
    summary: 'the devices and backends the engine sees, and why a backend is missing',
    usage: 'vlab devices [--json]',
    options: { json: { type: 'boolean' } },
    outputs: false,
  },
  trace: {
    summary: 'f as each strategy traces it (a jaxpr), and with --lowered the kernel it runs',
    usage: `vlab trace [--n N | --nx N --ny M] [--dtype float32|float64] [--formula "…"] [--lowered] [--json]

${GRID_USAGE}`,
    options: { ...grid, lowered: { type: 'boolean' }, json: { type: 'boolean' } },
    outputs: false,
  },
  jax: {
    summary: 'the same experiment as a JAX program (NumPy for the loop steps)',
    usage: `vlab jax --strategy S [--n N | --nx N --ny M] [--x-range A,B] [--y-range C,D] [--dtype float32|float64] [--formula "…"] [--out FILE]

${GRID_USAGE}`,
    options: { ...grid, strategy: { type: 'string' }, out: { type: 'string' } },
    outputs: false,
  },
};

const OUTPUT_OPTIONS = {
  json: { type: 'string' },
  csv: { type: 'string' },
  markdown: { type: 'string' },
  quiet: { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

const HELP = `vlab — Vectorization Lab from the terminal

usage: vlab COMMAND [options]      vlab COMMAND --help for its options

commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(9)}${spec.summary}`)
  .join('\n')}
  help     this text, or vlab help COMMAND
  version  the lab's version (also --version)

strategies: ${STRATEGY_NAMES.join(', ')}
default formula: ${DEFAULT_FORMULA}
Results go to stdout, status lines and progress to stderr. Exit codes: 0 done, 2 bad
arguments or a refused run, 130 interrupted.
`;

function commandHelp(name: string): string {
  const spec = COMMANDS[name]!;
  return `vlab ${name} — ${spec.summary}\n\nusage:\n  ${spec.usage}\n${spec.outputs ? `\n${OUTPUT_USAGE}\n` : ''}`;
}

class UsageError extends Error {}

function parseInteger(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  }
  return value;
}

/** `A,B` as two finite numbers, A < B. */
function parseRange(name: string, text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new UsageError(`--${name} must be two numbers A,B (e.g. --${name} -3,1), got '${text}'`);
  }
  if (!(values[0]! < values[1]!)) throw new UsageError(`--${name} must run from a smaller number to a larger one, got '${text}'`);
  return [values[0]!, values[1]!];
}

/** The grid options (--n, --nx, --ny, --x-range, --y-range) as RunRequest's fields; n is the square shorthand. */
function parseGrid(values: Values, fallbackN?: number): GridOptions {
  const text = (name: string) => values[name] as string | undefined;
  const n = text('n') !== undefined ? parseInteger('n', text('n'), 0, 1) : fallbackN;
  const nx = text('nx') !== undefined ? parseInteger('nx', text('nx'), 0, 1) : n;
  const ny = text('ny') !== undefined ? parseInteger('ny', text('ny'), 0, 1) : n;
  if (nx === undefined || ny === undefined) throw new UsageError(`give the grid's size: --n N, or --nx N and --ny M`);
  const xRange = parseRange('x-range', text('x-range'));
  const yRange = parseRange('y-range', text('y-range'));
  return { nx, ny, ...(xRange ? { xRange } : {}), ...(yRange ? { yRange } : {}) };
}

interface GridOptions {
  nx: number;
  ny: number;
  xRange?: [number, number];
  yRange?: [number, number];
}

function parseDtype(text: string | undefined, fallback: DType): DType {
  if (text === undefined) return fallback;
  if (text !== 'float32' && text !== 'float64') throw new UsageError(`--dtype must be float32 or float64, got '${text}'`);
  return text;
}

function parseBackend(text: string | undefined): BackendName | undefined {
  if (text === undefined) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(text)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got '${text}'`);
  return text as BackendName;
}

function parseStrategies(text: string | undefined): StrategyName[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--strategies is empty');
  for (const name of names) {
    if (!(STRATEGY_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown strategy '${name}'; choose from ${STRATEGY_NAMES.join(', ')}`);
  }
  return names as StrategyName[];
}

/** Options whose value may start with a dash (a negative bound): `--x-range -3,1` is read as `--x-range=-3,1`. */
const SIGNED_OPTIONS = new Set(['--x-range', '--y-range']);

/** A range's value kept as its value even when it starts with a dash, as parseArgs would otherwise refuse it. */
function withSignedValues(argv: readonly string[]): string[] {
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
function withJsonDefault(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    out.push(argv[k]!);
    const next = argv[k + 1];
    if (argv[k] === '--json' && (next === undefined || (next.startsWith('-') && next !== '-'))) out.push('-');
  }
  return out;
}

/** What one invocation shares: where it writes, whether it may talk on stderr, the signal that stops it. */
class Session {
  private progressShownAt = 0;
  private progressShown = false;

  constructor(
    readonly io: CliIo,
    readonly signal: AbortSignal,
    readonly quiet: boolean,
    private readonly progressForced: boolean,
  ) {}

  /** A status line on stderr ("wrote FILE", "skipping …"), unless --quiet. */
  status(line: string): void {
    if (!this.quiet) this.io.stderr.write(`vlab: ${line}\n`);
  }

  /** Progress on stderr: a rewritten line on a terminal, a line a second when forced elsewhere, else nothing. */
  progress(text: string): void {
    const tty = this.io.stderr.isTTY === true;
    if (this.quiet || !(tty || this.progressForced)) return;
    const now = Date.now();
    if (now - this.progressShownAt < (tty ? 100 : 1000)) return;
    this.progressShownAt = now;
    this.progressShown = true;
    this.io.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  progressDone(): void {
    if (this.progressShown && this.io.stderr.isTTY) this.io.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }
}

interface Outputs {
  json: string | undefined;
  csv: string | undefined;
  markdown: string | undefined;
}

function outputsOf(values: Record<string, unknown>): Outputs {
  const outputs = { json: values.json as string | undefined, csv: values.csv as string | undefined, markdown: values.markdown as string | undefined };
  const toStdout = Object.entries(outputs).filter(([, v]) => v === '-');
  if (toStdout.length > 1) throw new UsageError(`only one format can go to stdout, got ${toStdout.map(([k]) => `--${k} -`).join(' and ')}`);
  for (const [name, value] of Object.entries(outputs)) if (value === '') throw new UsageError(`--${name} needs a file name, or - for stdout`);
  return outputs;
}

/** What a command measured: records (the floor among them), and the runs refused or skipped, with why. */
interface Results {
  records: RunRecord[];
  refused: RefusedRun[];
  skipped: SkippedRun[];
  dtype: DType;
  backend: BackendName;
  formula: string;
  /** The domain, for the CSV's refused rows (records carry their own). */
  xRange?: [number, number];
  yRange?: [number, number];
}

function entriesOf(results: Results): SweepEntry[] {
  return [
    ...results.records.map((record): SweepEntry => ({ kind: 'record', strategy: record.strategy, n: record.n, record })),
    ...results.refused.map((r): SweepEntry => ({ kind: 'refused', ...r })),
    ...results.skipped.map((s): SweepEntry => ({ kind: 'skipped', ...s })),
  ];
}

function recordRows(results: Results): string[][] {
  const { records } = results;
  // Ratios only against the loops and limit rows of the same grid (a bench mixes sizes).
  const sameGrid = (r: RunRecord, strategy: string) => records.find((o) => o.strategy === strategy && o.nx === r.nx && o.ny === r.ny && o.dtype === r.dtype);
  const rows = records.map((r) => {
    const loops = sameGrid(r, 'loops');
    const limit = sameGrid(r, 'limit');
    const isLimit = r.strategy === 'limit';
    if (r.shapeError) return [r.strategy, gridSizeCell(r), r.backend, String(r.devices), 'shape error', formatMs(r.firstMs), '', '', formatBytes(r.predictedBytes), '', 'NO', '', '', ''];
    return [
      r.strategy,
      gridSizeCell(r),
      r.backend,
      String(r.devices),
      `(${r.shape.join(', ')})`,
      formatMs(r.firstMs),
      isLimit ? formatMs(r.medianMs) : `${formatMs(r.medianMs)} ± ${formatMs(r.iqrMs)}`,
      r.peakBytes === undefined ? 'not measured' : formatBytes(r.peakBytes),
      formatBytes(r.predictedBytes),
      isLimit ? '' : formatError(r.maxAbsErr),
      isLimit ? '' : r.allclose ? 'yes' : 'NO',
      loops && !isLimit ? `${(loops.medianMs / r.medianMs).toFixed(1)}×` : '',
      limit ? `${(r.medianMs / limit.medianMs).toFixed(2)}×` : '',
      r.noisy ? 'noisy' : '',
    ];
  });
  for (const r of results.refused) {
    rows.push([r.strategy, String(r.n), '', '', `(${r.strategy === 'naive' ? r.n : `${r.n}, ${r.n}`})`, '', 'refused', '', formatBytes(r.neededBytes), '', '', '', '', '']);
  }
  return rows;
}

/** The grid column: its side when square (as before), "nx×ny" otherwise. */
function gridSizeCell(r: { nx: number; ny: number }): string {
  return r.nx === r.ny ? String(r.nx) : `${r.nx}×${r.ny}`;
}

const RECORD_HEADER = ['strategy', 'n', 'backend', 'dev', 'shape', 'first', 'median ± IQR', 'peak', 'predicted', 'max|err|', 'allclose', 'vs loops', 'vs limit', 'noisy'];

/** What the reader must know below the table: notes, the GPU's time split, why runs are noisy, refused or skipped. */
function noteLines(results: Results): string[] {
  const manySizes = new Set([...results.records, ...results.refused].map((r) => r.n)).size > 1;
  const who = (r: { strategy: string; n: number }) => (manySizes ? `${r.strategy} n=${r.n}` : r.strategy);
  const lines: string[] = [];
  for (const r of results.records) if (r.shapeError) lines.push(`  ${who(r)}: TypeError: ${r.shapeError}`);
  for (const r of results.records) if (r.note) lines.push(`  ${who(r)}: ${r.note}`);
  const domains = new Set(results.records.map((r) => `x in [${r.xRange.join(', ')}], y in [${r.yRange.join(', ')}]`));
  if (domains.size === 1 && results.records.some((r) => r.xRange.join() !== '-2,2' || r.yRange.join() !== '-2,2')) lines.push(`  domain: ${[...domains][0]}`);
  for (const r of results.records) {
    if (r.kernelMs === undefined) continue;
    const split = `upload ${formatMs(r.uploadMs ?? 0)}, kernel ${formatMs(r.kernelMs)}, read-back ${formatMs(r.readbackMs ?? 0)}`;
    lines.push(`  ${who(r)}: ${split}${r.deviceName ? ` on ${r.deviceName}` : ''}`);
  }
  for (const r of results.records) if (r.noisy) lines.push(`  ${who(r)}: noisy: ${r.noisyReason ?? 'spread too wide'}; min…max ${formatMs(r.minMs)}…${formatMs(r.maxMs)}`);
  for (const r of results.refused) lines.push(`  ${who(r)}: refused: ${r.message}`);
  // A strategy unavailable here is skipped at every size: say it once, with the sizes.
  const skipped = new Map<string, number[]>();
  for (const s of results.skipped) skipped.set(`${s.strategy}\u0000${s.reason}`, [...(skipped.get(`${s.strategy}\u0000${s.reason}`) ?? []), s.n]);
  for (const [key, ns] of skipped) {
    const [strategy, reason] = key.split('\u0000');
    lines.push(`  ${strategy}${manySizes ? ` n=${ns.join(',')}` : ''}: skipped: ${reason}`);
  }
  return lines;
}

function commandLine(name: string, argv: readonly string[]): string {
  return ['vlab', name, ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

async function emit(session: Session, results: Results, outputs: Outputs, command: string, extra?: string): Promise<void> {
  const { io } = session;
  await loadBackends();
  const machine = machineInfo();
  const input = { records: results.records, refused: results.refused, skipped: results.skipped, command };
  const render = {
    json: () => resultsJson(input, machine),
    csv: () =>
      sweepToCsv(
        { entries: entriesOf(results), dtype: results.dtype, backend: results.backend, formula: results.formula, ...(results.xRange ? { xRange: results.xRange } : {}), ...(results.yRange ? { yRange: results.yRange } : {}) },
        machine,
      ),
    markdown: () => resultsToMarkdown(input),
  } satisfies Record<keyof Outputs, () => string>;
  let stdoutTaken = false;
  for (const format of ['json', 'csv', 'markdown'] as const) {
    const target = outputs[format];
    if (target === undefined) continue;
    if (target === '-') {
      io.stdout.write(render[format]());
      stdoutTaken = true;
    } else {
      writeFileSync(target, render[format](), 'utf8');
      session.status(`wrote ${target}`);
    }
  }
  if (stdoutTaken) {
    // The data owns stdout; the bench's ratios still belong to the reader.
    if (extra && !session.quiet) io.stderr.write(extra);
    return;
  }
  io.stdout.write(`${formatTable(RECORD_HEADER, recordRows(results))}\n`);
  const notes = noteLines(results);
  if (notes.length) io.stdout.write(`${notes.join('\n')}\n`);
  if (extra) io.stdout.write(extra);
}

interface RunOptions {
  dtype: DType;
  repeats: number;
  backend?: BackendName;
  formula?: string;
  devices?: number;
  memoryCapBytes?: number;
}

/**
 * Runs each strategy at n, then the floor. `explicit`: the user named these
 * strategies, so one that cannot run is an error; otherwise it is skipped
 * with a status line. `refusalsAreRows`: a run the memory guard refuses is a
 * result (bench, sweep) rather than an error (run).
 */
async function runStrategies(
  session: Session,
  strategies: StrategyName[],
  gridOrN: number | GridOptions,
  options: RunOptions,
  { explicit, refusalsAreRows, npy }: { explicit: boolean; refusalsAreRows: boolean; npy?: { path: string; written?: string } },
): Promise<Pick<Results, 'records' | 'refused' | 'skipped'>> {
  const gridOptions: GridOptions = typeof gridOrN === 'number' ? { nx: gridOrN, ny: gridOrN } : gridOrN;
  const { nx, ny } = gridOptions;
  // Refused and skipped runs keep the n column: the square side, or nx of a rectangular grid.
  const n = nx;
  const label = nx === ny ? `n=${nx}` : `${nx}×${ny}`;
  const availability = await strategyAvailability(options.backend);
  const records: RunRecord[] = [];
  const refused: RefusedRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const strategy of strategies) {
    const status = availability.find((a) => a.strategy === strategy);
    if (status && !status.available) {
      if (explicit) throw new RunRequestError(`${strategy} is unavailable: ${status.reason}`);
      session.status(`skipping ${strategy}: ${status.reason}`);
      skipped.push({ strategy, n, reason: status.reason ?? 'unavailable' });
      continue;
    }
    const keepGrid = npy !== undefined && npy.written === undefined;
    try {
      const { record, grid } = await runStrategy(
        { strategy, ...gridOptions, ...options },
        { signal: session.signal, keepGrid, onProgress: (p) => session.progress(`${strategy} ${label}: ${p.phase} ${Math.round(p.fraction * 100)}%`) },
      );
      session.progressDone();
      records.push(record);
      if (grid) {
        try {
          if (npy && grid.shape.length === 2) {
            await writeNpy(npy.path, { dtype: grid.dtype, shape: grid.shape, data: grid.data, offset: grid.offset, strides: grid.strides }, { signal: session.signal });
            npy.written = `${strategy}, ${grid.dtype}, shape (${grid.shape.join(', ')})`;
          }
        } finally {
          grid.dispose();
        }
      }
    } catch (error) {
      session.progressDone();
      if (!(refusalsAreRows && error instanceof MemoryGuardError)) throw error;
      refused.push({ strategy, n, neededBytes: error.neededBytes, availableBytes: error.availableBytes, message: error.message });
    }
  }
  // The floor writes nx·ny values itself: measured only beside a strategy that ran on this grid.
  if (records.length) {
    const limit = await measureLimit({ nx, ny, xRange: gridOptions.xRange ?? GRID_RANGE, yRange: gridOptions.yRange ?? GRID_RANGE }, options.dtype);
    if (limit) records.push(limit);
  }
  return { records, refused, skipped };
}

/** --x-range and --y-range alone (the sweep's grids are square, over this domain). */
function rangesOf(values: Values): Pick<GridOptions, 'xRange' | 'yRange'> {
  const xRange = parseRange('x-range', values['x-range'] as string | undefined);
  const yRange = parseRange('y-range', values['y-range'] as string | undefined);
  return { ...(xRange ? { xRange } : {}), ...(yRange ? { yRange } : {}) };
}

function runOptionsOf(values: Record<string, string | boolean | undefined>, dtypeFallback: DType): RunOptions {
  const text = (name: string) => values[name] as string | undefined;
  const backend = parseBackend(text('backend'));
  return {
    dtype: parseDtype(text('dtype'), dtypeFallback),
    repeats: parseInteger('repeats', text('repeats'), DEFAULT_REPEATS),
    ...(backend ? { backend } : {}),
    ...(text('formula') !== undefined ? { formula: text('formula')! } : {}),
    ...(text('devices') !== undefined ? { devices: parseInteger('devices', text('devices'), 0, 1) } : {}),
    ...(text('memory-cap') !== undefined ? { memoryCapBytes: parseInteger('memory-cap', text('memory-cap'), 0, 1) } : {}),
  };
}

type Values = Record<string, string | boolean | undefined>;

async function commandRun(session: Session, values: Values, command: string): Promise<void> {
  if (values.n === undefined && (values.nx === undefined || values.ny === undefined)) throw new UsageError('run needs --n, or --nx and --ny (see vlab run --help)');
  const gridOptions = parseGrid(values);
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  const options = runOptionsOf(values, 'float32');
  const outputs = outputsOf(values);
  if (values.npy === '' || values.npy === '-') throw new UsageError('--npy needs a file name');
  const npy: { path: string; written?: string } | undefined = values.npy === undefined ? undefined : { path: values.npy as string };
  const measured = await runStrategies(session, strategies, gridOptions, options, { explicit: values.strategies !== undefined, refusalsAreRows: false, ...(npy ? { npy } : {}) });
  await emit(session, { ...measured, ...resultsContext(options) }, outputs, command);
  if (npy) {
    if (!npy.written) throw new RunRequestError(`--npy: no strategy here computed the whole ${gridOptions.nx} × ${gridOptions.ny} grid (naive gives a vector); add vmap or meshgrid`);
    session.status(`wrote ${npy.path} (${npy.written})`);
  }
}

function resultsContext(options: RunOptions): Pick<Results, 'dtype' | 'backend' | 'formula'> {
  return { dtype: options.dtype, backend: options.backend ?? defaultBackend(), formula: options.formula ?? DEFAULT_FORMULA };
}

async function commandBench(session: Session, values: Values, command: string): Promise<void> {
  const sizes = ((values.sizes as string | undefined) ?? '80,1000,4000').split(',').map((s) => parseInteger('sizes', s.trim(), 0, 1));
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  const options = runOptionsOf(values, 'float64');
  const { dtype, repeats } = options;
  const loopsMax = parseInteger('loops-max', values['loops-max'] as string | undefined, 1000);
  const outputs = outputsOf(values);
  const all: Results = { records: [], refused: [], skipped: [], ...resultsContext(options) };
  const threads = values.threads === undefined ? null : threadCounts(values.threads as string, await nativePoolSize());
  let summary = '';
  for (const n of sizes) {
    const chosen = strategies.filter((s) => s !== 'loops' || n <= loopsMax);
    if (chosen.length < strategies.length) session.status(`n=${n}: skipping loops above --loops-max ${loopsMax} (it would take minutes)`);
    const { records, refused, skipped } = await runStrategies(session, chosen, n, options, { explicit: false, refusalsAreRows: true });
    all.records.push(...records);
    all.refused.push(...refused);
    all.skipped.push(...skipped);
    // Yardsticks only where something was measured: at a refused size they would not fit either.
    if (!records.some((r) => r.strategy !== 'limit')) continue;
    summary += benchSummary(n, dtype, repeats, records);
    const nativeLines = await nativeBenchLines(n, dtype, repeats, records, session.signal);
    if (nativeLines.length) summary += `${nativeLines.join('\n')}\n`;
  }
  const largest = Math.max(...all.records.filter((r) => r.strategy !== 'limit').map((r) => r.n));
  if (threads && Number.isFinite(largest)) {
    session.progress(`thread scaling at n=${largest}`);
    summary += `${threadScalingLines(largest, dtype, await measureThreadScaling(largest, dtype, repeats, threads, { signal: session.signal })).join('\n')}\n`;
  }
  await emit(session, all, outputs, command, summary);
}

/** Ratios against yardsticks measured in this run: the hand-written JS loop, loops per call, the limit. */
function benchSummary(n: number, dtype: DType, repeats: number, records: RunRecord[]): string {
  const lines = [`\nn = ${n} (${dtype}):`];
  const by = (s: string, backend?: string) => records.find((r) => r.strategy === s && (!backend || r.backend === backend));
  const hand = handWrittenLoopMs(n, dtype, repeats);
  lines.push(`  hand-written JS double loop (Math.cos, Float${dtype === 'float32' ? 32 : 64}Array): ${formatMs(hand)}`);
  const jsVmap = by('vmap', 'js');
  if (jsVmap) lines.push(`  vmap (js) / hand-written loop: ${(jsVmap.medianMs / hand).toFixed(2)}×   (goal ≤ 1.5×)`);
  const loops = by('loops');
  if (loops) lines.push(`  loops: ${((loops.minMs * 1000) / (n * n)).toFixed(2)} µs per call on ${loops.backend}   (goal < 2 µs)`);
  const vmapRecord = by('vmap');
  const mesh = by('meshgrid');
  if (vmapRecord?.peakBytes !== undefined && mesh?.peakBytes !== undefined) lines.push(`  vmap peak / meshgrid peak: ${((100 * vmapRecord.peakBytes) / mesh.peakBytes).toFixed(0)}%   (goal ≤ 45%)`);
  const limit = by('limit');
  if (limit) {
    for (const r of records) if (r.strategy !== 'limit') lines.push(`  ${r.strategy} (${r.backend}) / limit: ${(r.medianMs / limit.medianMs).toFixed(2)}×`);
  }
  return `${lines.join('\n')}\n`;
}

async function commandSweep(session: Session, values: Values, command: string): Promise<void> {
  for (const name of ['from', 'to', 'points']) if (values[name] === undefined) throw new UsageError(`sweep needs --from, --to and --points (see vlab sweep --help)`);
  const options = runOptionsOf(values, 'float32');
  const outputs = outputsOf(values);
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  const result = await runSweep(
    {
      nMin: parseInteger('from', values.from as string, 0, 1),
      nMax: parseInteger('to', values.to as string, 0, 1),
      points: parseInteger('points', values.points as string, 0, 1),
      ...rangesOf(values),
      strategies,
      limit: values['no-limit'] !== true,
      ...options,
    },
    { signal: session.signal, onProgress: (p) => session.progress(`sweep: ${p.strategy} n=${p.n} (${p.done}/${p.total}) ${Math.round(p.fraction * 100)}%`) },
  );
  session.progressDone();
  if (result.cancelled) throw new CancelledError();
  const results: Results = { records: [], refused: [], skipped: [], dtype: result.dtype, backend: result.backend, formula: result.formula, xRange: result.xRange, yRange: result.yRange };
  for (const entry of result.entries) {
    if (entry.kind === 'record') results.records.push(entry.record);
    else if (entry.kind === 'refused') results.refused.push({ strategy: entry.strategy, n: entry.n, neededBytes: entry.neededBytes, availableBytes: entry.availableBytes, message: entry.message });
    else results.skipped.push({ strategy: entry.strategy, n: entry.n, reason: entry.reason });
  }
  await emit(session, results, outputs, command);
}

async function commandDevices(session: Session, values: Values): Promise<void> {
  await loadBackends();
  const list = devices();
  const statuses = backendStatuses();
  const { stdout } = session.io;
  if (values.json) {
    stdout.write(`${JSON.stringify({ devices: list, backends: statuses }, null, 2)}\n`);
    return;
  }
  stdout.write(`${formatTable(['id', 'kind', 'backend', 'name'], list.map((d) => [d.id, d.kind, d.backend, `${d.name}${d.software ? ' (software)' : ''}`]))}\n`);
  for (const { name, status } of statuses) if (!status.available) stdout.write(`${name}: unavailable — ${status.reason}\n`);
}

/** f as each strategy traces it (make_jaxpr), and with --lowered the fused kernel as native bytecode and WGSL. */
function commandTrace(session: Session, values: Values): void {
  const { nx, ny } = parseGrid(values, 300);
  const view = traceStrategies(compileFormula((values.formula as string | undefined) ?? DEFAULT_FORMULA), { nx, ny, xRange: GRID_RANGE, yRange: GRID_RANGE }, parseDtype(values.dtype as string | undefined, 'float32'));
  if (values.json) {
    session.io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const parts = view.graphs.map((g) => `# ${g.strategies.join(', ')}: ${g.call}\n# ${g.note}\n${g.error ? `# ${g.error}` : g.jaxpr}\n`);
  if (values.lowered) {
    parts.push(`# the vmap graph as the native evaluator runs it (d0 once, d1 once per row, d2 once per point)\n${view.lowered.native.ok ? view.lowered.native.bytecode : `# unavailable: ${view.lowered.native.reason}`}\n`);
    parts.push(`# the vmap graph as a WGSL compute shader (float32)\n${view.lowered.wgsl}`);
  }
  session.io.stdout.write(parts.join('\n'));
}

/** The experiment as a JAX program (NumPy for the loop steps), printed or written to --out. */
function commandJax(session: Session, values: Values): void {
  if (values.strategy === undefined) throw new UsageError(`jax needs --strategy (one of ${LAB_STRATEGY_NAMES.join(', ')})`);
  const strategies = parseStrategies(values.strategy as string) ?? [];
  if (strategies.length !== 1) throw new UsageError('jax writes one strategy at a time: give --strategy one name');
  const strategy = strategies[0]!;
  if (isPeerStrategy(strategy)) throw new UsageError(`${strategy} is already Python: jax writes the lab's strategies (${LAB_STRATEGY_NAMES.join(', ')})`);
  const formula = (values.formula as string | undefined) ?? DEFAULT_FORMULA;
  compileFormula(formula); // a bad formula is refused here, with its position, not written into Python
  const text = jaxProgram({ strategy, ...parseGrid(values, 1000), dtype: parseDtype(values.dtype as string | undefined, 'float32'), formula });
  if (values.out === undefined) {
    session.io.stdout.write(text);
    return;
  }
  writeFileSync(values.out as string, text, 'utf8');
  session.status(`wrote ${values.out}`);
}

const HANDLERS: Record<keyof typeof COMMANDS, (session: Session, values: Values, command: string) => Promise<void> | void> = {
  run: commandRun,
  bench: commandBench,
  sweep: commandSweep,
  devices: commandDevices,
  trace: commandTrace,
  jax: commandJax,
};

function errorLine(error: unknown): { line: string; code: number } | null {
  if (error instanceof CancelledError) return { line: 'cancelled', code: 130 };
  if (error instanceof UsageError || error instanceof ThreadScalingError || error instanceof RunRequestError || error instanceof MemoryGuardError || error instanceof SweepRequestError) return { line: error.message, code: 2 };
  if (error instanceof FormulaError) return { line: `bad formula at column ${error.position + 1}: ${error.message}`, code: 2 };
  if (error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) return { line: error.message.split('\n')[0]!, code: 2 };
  // Anything else the engine raised (a backend that cannot lower a graph, a
  // device lost) is one readable line, not a stack trace; VLAB_DEBUG=1 keeps the trace.
  if (error instanceof Error && !process.env.VLAB_DEBUG) return { line: error.message, code: 1 };
  return null;
}

/**
 * Runs one vlab command line; resolves to its exit code. With the default
 * streams it also sets process.exitCode, so a launcher that only awaits it
 * exits with the right code.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const code = await dispatch(argv, io);
  if (io === processIo) process.exitCode = code;
  return code;
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) {
      io.stderr.write(`vlab: no command '${topic}' (try: vlab help)\n`);
      return 2;
    }
    io.stdout.write(topic ? commandHelp(topic) : HELP);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    io.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    io.stderr.write(`vlab: unknown command '${command}' (try: vlab help)\n`);
    return 2;
  }
  const spec = COMMANDS[command]!;
  // Help wins over everything else on the line, as in git and cargo.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const { values } = parseArgs({
      args: spec.outputs ? withJsonDefault(withSignedValues(rest)) : withSignedValues(rest),
      strict: true,
      allowPositionals: false,
      options: { ...spec.options, ...(spec.outputs ? OUTPUT_OPTIONS : {}) },
    });
    const session = new Session(io, controller.signal, values.quiet === true, values.progress === true);
    await HANDLERS[command]!(session, values as Values, commandLine(command, rest));
    return 0;
  } catch (error) {
    const failure = errorLine(error);
    if (!failure) throw error;
    const hint = failure.code === 2 && /^Unknown option|^Option '/.test(failure.line) ? ` (see vlab ${command} --help)` : '';
    io.stderr.write(`vlab: ${failure.line}${hint}\n`);
    return failure.code;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** The native pool's size (0 without the addon: --threads then says why). */
async function nativePoolSize(): Promise<number> {
  await loadBackends();
  return backendStatus('native').available ? cpuDevices().length : 0;
}
