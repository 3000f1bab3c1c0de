// What each vlab command takes: its one-line summary, its usage text and
// the options parseArgs reads, in one table, and the help texts written
// from that table, so that an option cannot be read without being described.
// Data and text only; runs nothing.

import type { ParseArgsConfig } from 'node:util';
import { BACKEND_NAMES, DEFAULT_FORMULA, DEFAULT_REPEATS, STRATEGY_NAMES } from '../index.js';

const OUTPUT_USAGE = `output:
  --json [FILE|-]   results as JSON ({schema, version, machine, records, limits, refused, skipped});
                    '-' or no FILE: to stdout instead of the table
  --csv FILE|-      results as CSV (one row per run, the machine on every row)
  --markdown FILE|- results as a Markdown table (as hyperfine's --export-markdown)
  --quiet           no status lines or progress on stderr (errors still)
  --progress        progress on stderr even when it is not a terminal`;

export interface CommandSpec {
  summary: string;
  usage: string;
  /** Options beyond the output ones. */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the output options (--json, --csv, --markdown, --quiet, --progress) apply. */
  outputs: boolean;
}

const text = { type: 'string' } as const;

/** The domain options: every command that times or writes a grid takes them. */
const domain = { 'x-range': text, 'y-range': text } as const;

/** The grid and what f is: run and jax (trace takes the sizes alone: the domain is not in a trace). */
const grid = { n: text, nx: text, ny: text, ...domain, dtype: text, formula: text } as const;

/** What every timed command takes beside its sizes. */
const timed = { strategies: text, dtype: text, repeats: text, backend: text } as const;

const SIZE_USAGE = `  --n N             the square shorthand: N points along x and along y
  --nx N, --ny N    points along x (the rows, i) and along y (the columns, j); each defaults to --n.
                    z[i, j] = f(x[i], y[j]), shape (nx, ny)`;

const GRID_USAGE = `${SIZE_USAGE}
  --x-range A,B     x = linspace(A, B, nx) (default -2,2); a negative A may follow a space: --x-range -3,1
  --y-range C,D     y = linspace(C, D, ny) (default -2,2)`;

export const COMMANDS = {
  run: {
    summary: 'time strategies at one grid size',
    usage: `vlab run (--n N | --nx N --ny M) [--x-range A,B] [--y-range C,D] [--strategies a,b,…]
         [--dtype float32|float64] [--repeats K] [--backend ${BACKEND_NAMES.join('|')}] [--formula "…"] [--devices D]
         [--memory-cap BYTES] [--reduce max|min|sum|mean] [--roofline] [--isa a,b,…] [--json [FILE|-]] [--csv FILE|-]
         [--markdown FILE|-] [--npy FILE] [--quiet] [--progress]

${GRID_USAGE}
  --strategies      comma-separated, from ${STRATEGY_NAMES.join(', ')} (default: all available)
  --dtype           float32 (default, as JAX) or float64
  --repeats K       warm calls timed after the first, at least (default ${DEFAULT_REPEATS}; quick calls are timed more)
  --backend         for single-device strategies (default: the fastest available)
  --formula "…"     f(x, y) (default: ${DEFAULT_FORMULA})
  --devices D       native threads for pmap (default: all)
  --memory-cap B    refuse runs predicted to need more than B bytes
  --npy FILE        the grid (of the first strategy that computes all of it) as a NumPy .npy file
  --reduce R        the output: grid (default), or a number from it: max, min (with where), sum, mean;
                    to a number, vmap and pmap fuse (the grid is never stored): nx, ny up to 10⁶ each
  --roofline        place each run on this machine's roofline (vlab machine, measured once and kept):
                    bytes moved (a model of the plan), ops per point, GB/s, G points/s and the bound
  --isa a,b,…       native strategies once per ISA copy (${'scalar|generic|avx2|avx512'}: those this CPU runs);
                    records carry isa and lanes`,
    options: {
      ...grid,
      ...timed,
      devices: text,
      'memory-cap': text,
      npy: text,
      reduce: text,
      roofline: { type: 'boolean' },
      isa: text,
    },
    outputs: true,
  },
  bench: {
    summary: 'time strategies over several sizes, with ratios against yardsticks measured in the same run',
    usage: `vlab bench [--sizes 80,1000,4000 | --n N | --nx N --ny M] [--x-range A,B] [--y-range C,D]
           [--strategies a,b,…] [--dtype float64] [--repeats K] [--backend ${BACKEND_NAMES.join('|')}]
           [--loops-max N] [--threads 1,2,…] [--json [FILE|-]] [--csv FILE|-] [--markdown FILE|-]

  --sizes           square grid sides, comma-separated; a size the memory guard refuses is a row, not an error
  --n N             one N × N grid instead of --sizes
  --nx N, --ny M    one nx × ny grid instead of --sizes: points along x (the rows, i) and along y (the columns, j)
  --x-range A,B     the domain of every grid (default -2,2), and --y-range C,D; the yardsticks run on it too
  --loops-max N     skip the loops strategy on grids of more than N × N points (default 1000: it would take minutes)
  --threads 1,2,…   on the largest grid, pmap's speed-up over 1 thread beside the hand-written
                    kernel's and the write floor's on the same threads, and the ideal`,
    options: { sizes: text, n: text, nx: text, ny: text, ...domain, ...timed, 'loops-max': text, threads: text },
    outputs: true,
  },
  sweep: {
    summary: "the classroom's sweep: strategies at log-spaced sizes, refused sizes kept as rows",
    usage: `vlab sweep --from N --to N --points K [--ny M | --aspect R] [--x-range A,B] [--y-range C,D]
           [--strategies a,b,…] [--dtype float32|float64] [--repeats K] [--backend ${BACKEND_NAMES.join('|')}]
           [--formula "…"] [--devices D] [--memory-cap BYTES] [--no-limit] [--json [FILE|-]] [--csv FILE|-]
           [--markdown FILE|-]

  --from, --to      smallest and largest N, both included: square N × N grids, or nx = N with --ny or --aspect
  --points K        how many log-spaced sizes (fewer when sizes round to the same integer)
  --ny M            hold ny (points along y, the columns j) at M while N sweeps nx: N × M grids
  --aspect R        hold nx : ny at R while N sweeps nx: ny = N / R, rounded (--aspect 4: 2000 × 500 at N = 2000)
  --x-range A,B     the domain of every grid (default -2,2), and --y-range C,D
  --no-limit        do not time the physical floor at each size`,
    options: {
      from: text,
      to: text,
      points: text,
      ny: text,
      aspect: text,
      ...domain,
      ...timed,
      formula: text,
      devices: text,
      'memory-cap': text,
      'no-limit': { type: 'boolean' },
    },
    outputs: true,
  },
  machine: {
    summary:
      'this machine measured: caches, bandwidth per level, peak FMA per ISA copy, cos throughput (kept per machine)',
    usage: `vlab machine [--refresh] [--json]

  Measures once (a few seconds) and keeps the result in the data folder (VLAB_DATA_DIR, else the app's),
  keyed by CPU model and thread count; later calls read it back.
  --refresh         measure again
  --json            the profile as JSON: caches, bandwidth {L1, L2, L3, DRAM: {readGBps, writeGBps}},
                    bandwidthCurve, peakGflops {isa: {float32, float64: {oneThread, allThreads}}},
                    transcendentalsPerNs`,
    options: { refresh: { type: 'boolean' }, json: { type: 'boolean' } },
    outputs: false,
  },
  devices: {
    summary: 'the devices and backends the engine sees, and why a backend is missing',
    usage: 'vlab devices [--json]',
    options: { json: { type: 'boolean' } },
    outputs: false,
  },
  trace: {
    summary: 'f as each strategy traces it (a jaxpr), and with --lowered the kernel it runs',
    usage: `vlab trace [--n N | --nx N --ny M] [--dtype float32|float64] [--formula "…"] [--reduce max|min|sum|mean]
         [--lowered] [--json]

${SIZE_USAGE}
  --reduce R        trace to a number: the grid's max, min, sum or mean (as vlab run --reduce)

  A trace does not depend on the domain: x and y are the graph's inputs, and their values
  (--x-range, --y-range elsewhere) are not in it, so trace takes no domain options.`,
    options: {
      n: text,
      nx: text,
      ny: text,
      dtype: text,
      formula: text,
      reduce: text,
      lowered: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    outputs: false,
  },
  jax: {
    summary: 'the same experiment as a JAX program (NumPy for the loop steps)',
    usage: `vlab jax --strategy S [--n N | --nx N --ny M] [--x-range A,B] [--y-range C,D]
                [--dtype float32|float64] [--formula "…"] [--out FILE]
       vlab jax --reduce max|min|sum|mean [--cluster] [--n N | --nx N --ny M] … [--out FILE]

${GRID_USAGE}
  --reduce R        the grid's max, min, sum or mean: meshgrid then reduce, vmap fused, pmap with lax.pmax/psum,
                    shard_map
  --cluster         with --reduce: the multi-process program (jax.distributed.initialize, the rows over the
                    global mesh)`,
    options: { ...grid, strategy: text, out: text, reduce: text, cluster: { type: 'boolean' } },
    outputs: false,
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** Whether `name` is one of the commands (a command line's first word is any text). */
export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export const OUTPUT_OPTIONS = {
  json: text,
  csv: text,
  markdown: text,
  quiet: { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

export const HELP = `vlab — Vectorization Lab from the terminal

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

export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  return `vlab ${name} — ${spec.summary}\n\nusage:\n  ${spec.usage}\n${spec.outputs ? `\n${OUTPUT_USAGE}\n` : ''}`;
}
