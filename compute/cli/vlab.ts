// vlab: the engine from the terminal. `run` measures strategies at one n,
// `bench` sweeps n and prints ratios against yardsticks measured in the same
// run, `devices` lists what the engine sees, `trace` prints f as each
// strategy traces it and the kernel it lowers to, `jax` writes the same
// experiment as a JAX program to run beside the lab. A thin shell: all work is in
// compute/. Bad arguments give one line on stderr and exit code 2.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type BackendName,
  type DType,
  type RunRecord,
  type StrategyName,
  BACKEND_NAMES,
  CancelledError,
  DEFAULT_FORMULA,
  DEFAULT_REPEATS,
  FormulaError,
  MemoryGuardError,
  RunRequestError,
  STRATEGY_NAMES,
  LAB_STRATEGY_NAMES,
  isPeerStrategy,
  backendStatuses,
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
import { handWrittenLoopMs } from '../bench/handLoop.js';
import { nativeBenchLines } from '../backends/nativeBench.js';
import { recordsToCsv } from '../report/csv.js';
import { machineInfo, appVersion } from '../report/machine.js';
import { formatError, formatMs, formatTable } from './table.js';

const HELP = `vlab — Vectorization Lab from the terminal

usage:
  vlab run     --n N [--strategies a,b,…] [--dtype float32|float64] [--repeats K]
               [--backend js|native|webgpu] [--formula "…"] [--devices D]
               [--memory-cap BYTES] [--json] [--csv FILE]
  vlab bench   [--sizes 80,1000,4000] [--strategies a,b,…] [--dtype float64]
               [--repeats K] [--loops-max N] [--json] [--csv FILE]
  vlab devices [--json]
  vlab trace   [--n N] [--dtype float32|float64] [--formula "…"] [--lowered] [--json]
  vlab jax     --strategy S [--n N] [--dtype float32|float64] [--formula "…"] [--out FILE]
  vlab --version

strategies: ${STRATEGY_NAMES.join(', ')}
default formula: ${DEFAULT_FORMULA}
`;

class UsageError extends Error {}

function fail(message: string, code = 2): never {
  process.stderr.write(`vlab: ${message}\n`);
  process.exit(code);
}

function parseInteger(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  }
  return value;
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

/** Progress on stderr: a rewritten line on a terminal, a line a second otherwise. */
function progressReporter(): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 1000)) return;
      last = now;
      shown = true;
      process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

function recordRows(records: readonly RunRecord[]): string[][] {
  // Ratios only against the loops and limit rows of the same grid (a bench mixes sizes).
  const sameGrid = (r: RunRecord, strategy: string) => records.find((o) => o.strategy === strategy && o.n === r.n && o.dtype === r.dtype);
  return records.map((r) => {
    const loops = sameGrid(r, 'loops');
    const limit = sameGrid(r, 'limit');
    return [
      r.strategy,
      String(r.n),
      r.backend,
      String(r.devices),
      `(${r.shape.join(', ')})`,
      formatMs(r.firstMs),
      formatMs(r.medianMs),
      r.peakBytes === undefined ? 'not measured' : formatBytes(r.peakBytes),
      formatBytes(r.predictedBytes),
      r.strategy === 'limit' ? '' : formatError(r.maxAbsErr),
      r.strategy === 'limit' ? '' : r.allclose ? 'yes' : 'NO',
      loops && r.strategy !== 'limit' ? `${(loops.medianMs / r.medianMs).toFixed(1)}×` : '',
      limit ? `${(r.medianMs / limit.medianMs).toFixed(2)}×` : '',
    ];
  });
}

const RECORD_HEADER = ['strategy', 'n', 'backend', 'dev', 'shape', 'first', 'median', 'peak', 'predicted', 'max|err|', 'allclose', 'vs loops', 'vs limit'];

interface Common {
  json: boolean;
  csv: string | undefined;
}

function emit(records: RunRecord[], { json, csv }: Common, extra?: string): void {
  if (csv) writeFileSync(csv, recordsToCsv(records, machineInfo()));
  if (json) {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatTable(RECORD_HEADER, recordRows(records))}\n`);
  for (const r of records) if (r.note) process.stdout.write(`  ${r.strategy}: ${r.note}\n`);
  for (const r of records) {
    if (r.kernelMs === undefined) continue;
    const split = `upload ${formatMs(r.uploadMs ?? 0)}, kernel ${formatMs(r.kernelMs)}, read-back ${formatMs(r.readbackMs ?? 0)}`;
    process.stdout.write(`  ${r.strategy}: ${split}${r.deviceName ? ` on ${r.deviceName}` : ''}\n`);
  }
  if (extra) process.stdout.write(extra);
  if (csv) process.stdout.write(`wrote ${csv}\n`);
}

async function runStrategies(
  strategies: StrategyName[],
  n: number,
  options: { dtype: DType; repeats: number; backend?: BackendName; formula?: string; devices?: number; memoryCapBytes?: number },
  signal: AbortSignal,
  skipUnavailable: boolean,
): Promise<RunRecord[]> {
  const availability = await strategyAvailability(options.backend);
  const records: RunRecord[] = [];
  const progress = progressReporter();
  for (const strategy of strategies) {
    const status = availability.find((a) => a.strategy === strategy);
    if (status && !status.available) {
      if (skipUnavailable) {
        process.stderr.write(`vlab: skipping ${strategy}: ${status.reason}\n`);
        continue;
      }
      throw new RunRequestError(`${strategy} is unavailable: ${status.reason}`);
    }
    const { record } = await runStrategy(
      { strategy, n, ...options },
      { signal, onProgress: (p) => progress.update(`${strategy} n=${n}: ${p.phase} ${Math.round(p.fraction * 100)}%`) },
    );
    progress.done();
    records.push(record);
  }
  const limit = await measureLimit(n, options.dtype);
  if (limit) records.push(limit);
  return records;
}

async function commandRun(argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      n: { type: 'string' },
      strategies: { type: 'string' },
      dtype: { type: 'string' },
      repeats: { type: 'string' },
      backend: { type: 'string' },
      formula: { type: 'string' },
      devices: { type: 'string' },
      'memory-cap': { type: 'string' },
      json: { type: 'boolean', default: false },
      csv: { type: 'string' },
    },
  });
  if (values.n === undefined) throw new UsageError('run needs --n');
  const n = parseInteger('n', values.n, 0, 1);
  const strategies = parseStrategies(values.strategies) ?? [...LAB_STRATEGY_NAMES];
  const explicit = values.strategies !== undefined;
  const backend = parseBackend(values.backend);
  const memoryCapBytes = values['memory-cap'] === undefined ? undefined : parseInteger('memory-cap', values['memory-cap'], 0, 1);
  const records = await runStrategies(
    strategies,
    n,
    {
      dtype: parseDtype(values.dtype, 'float32'),
      repeats: parseInteger('repeats', values.repeats, DEFAULT_REPEATS),
      ...(backend ? { backend } : {}),
      ...(values.formula !== undefined ? { formula: values.formula } : {}),
      ...(values.devices !== undefined ? { devices: parseInteger('devices', values.devices, 0, 1) } : {}),
      ...(memoryCapBytes !== undefined ? { memoryCapBytes } : {}),
    },
    signal,
    !explicit,
  );
  emit(records, { json: values.json ?? false, csv: values.csv });
}

async function commandBench(argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      sizes: { type: 'string' },
      strategies: { type: 'string' },
      dtype: { type: 'string' },
      repeats: { type: 'string' },
      backend: { type: 'string' },
      'loops-max': { type: 'string' },
      json: { type: 'boolean', default: false },
      csv: { type: 'string' },
    },
  });
  const sizes = (values.sizes ?? '80,1000,4000').split(',').map((s) => parseInteger('sizes', s.trim(), 0, 1));
  const strategies = parseStrategies(values.strategies) ?? [...LAB_STRATEGY_NAMES];
  const dtype = parseDtype(values.dtype, 'float64');
  const repeats = parseInteger('repeats', values.repeats, DEFAULT_REPEATS);
  const loopsMax = parseInteger('loops-max', values['loops-max'], 1000);
  const backend = parseBackend(values.backend);
  const all: RunRecord[] = [];
  let summary = '';
  for (const n of sizes) {
    const chosen = strategies.filter((s) => s !== 'loops' || n <= loopsMax);
    if (chosen.length < strategies.length) process.stderr.write(`vlab: n=${n}: skipping loops above --loops-max ${loopsMax} (it would take minutes)\n`);
    const records = await runStrategies(chosen, n, { dtype, repeats, ...(backend ? { backend } : {}) }, signal, true);
    all.push(...records);
    summary += benchSummary(n, dtype, repeats, records);
    const nativeLines = await nativeBenchLines(n, dtype, repeats, records, signal);
    if (nativeLines.length) summary += `${nativeLines.join('\n')}\n`;
  }
  emit(all, { json: values.json ?? false, csv: values.csv }, values.json ? undefined : summary);
  if (values.json) process.stderr.write(summary);
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

async function commandDevices(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { json: { type: 'boolean', default: false } } });
  await loadBackends();
  const list = devices();
  const statuses = backendStatuses();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ devices: list, backends: statuses }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatTable(['id', 'kind', 'backend', 'name'], list.map((d) => [d.id, d.kind, d.backend, `${d.name}${d.software ? ' (software)' : ''}`]))}\n`);
  for (const { name, status } of statuses) if (!status.available) process.stdout.write(`${name}: unavailable — ${status.reason}\n`);
}

/** f as each strategy traces it (make_jaxpr), and with --lowered the fused kernel as native bytecode and WGSL. */
function commandTrace(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      n: { type: 'string' },
      dtype: { type: 'string' },
      formula: { type: 'string' },
      lowered: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const n = parseInteger('n', values.n, 300, 1);
  const view = traceStrategies(compileFormula(values.formula ?? DEFAULT_FORMULA), n, parseDtype(values.dtype, 'float32'));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const parts = view.graphs.map((g) => `# ${g.strategies.join(', ')}: ${g.call}\n# ${g.note}\n${g.jaxpr}\n`);
  if (values.lowered) {
    parts.push(`# the vmap graph as the native evaluator runs it (d0 once, d1 once per row, d2 once per point)\n${view.lowered.native.ok ? view.lowered.native.bytecode : `# unavailable: ${view.lowered.native.reason}`}\n`);
    parts.push(`# the vmap graph as a WGSL compute shader (float32)\n${view.lowered.wgsl}`);
  }
  process.stdout.write(parts.join('\n'));
}

/** The experiment as a JAX program (NumPy for the loop steps), printed or written to --out. */
function commandJax(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      strategy: { type: 'string' },
      n: { type: 'string' },
      dtype: { type: 'string' },
      formula: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.strategy === undefined) throw new UsageError(`jax needs --strategy (one of ${LAB_STRATEGY_NAMES.join(', ')})`);
  const strategies = parseStrategies(values.strategy) ?? [];
  if (strategies.length !== 1) throw new UsageError('jax writes one strategy at a time: give --strategy one name');
  const strategy = strategies[0]!;
  if (isPeerStrategy(strategy)) throw new UsageError(`${strategy} already runs in Python; jax exports the lab's strategies: ${LAB_STRATEGY_NAMES.join(', ')}`);
  const formula = values.formula ?? DEFAULT_FORMULA;
  compileFormula(formula); // a bad formula is refused here, with its position, not written into Python
  const text = jaxProgram({ strategy, n: parseInteger('n', values.n, 1000, 1), dtype: parseDtype(values.dtype, 'float32'), formula });
  if (values.out === undefined) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(values.out, text, 'utf8');
  process.stderr.write(`vlab: wrote ${values.out}\n`);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    switch (command) {
      case 'run':
        return await commandRun(rest, controller.signal);
      case 'bench':
        return await commandBench(rest, controller.signal);
      case 'devices':
        return await commandDevices(rest);
      case 'trace':
        return commandTrace(rest);
      case 'jax':
        return commandJax(rest);
      case '--version':
      case 'version':
        process.stdout.write(`${appVersion()}\n`);
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return;
      default:
        throw new UsageError(`unknown command '${command}' (try: vlab help)`);
    }
  } catch (error) {
    if (error instanceof CancelledError) fail('cancelled', 130);
    if (error instanceof UsageError || error instanceof RunRequestError || error instanceof MemoryGuardError) fail(error.message);
    if (error instanceof FormulaError) fail(`bad formula at column ${(error as FormulaError).position + 1}: ${(error as FormulaError).message}`);
    if (error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) fail(error.message);
    throw error;
  }
}
