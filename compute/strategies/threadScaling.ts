// Thread scaling, for `vlab bench --threads 1,2,…` and the classroom's
// threads sweep: pmap's time on each thread count beside the hand-written
// C++ kernel's and the write floor's on the same threads, each as a speed-up
// over its own 1-thread time, with the ideal (the thread count), and
// Amdahl's law fitted to pmap's times (the serial fraction). Past the core
// count the sweep goes on with more devices than cores, as JAX's
// --xla_force_host_platform_device_count invites: the rows are split into
// that many parts, run on the cores there are, so such devices share cores
// and gain nothing. Measured in one run, interleaved per thread count, so
// that a machine whose load drifts moves all three alike. Measures and
// formats; never prints.

import type { DType } from '../core/dtype.js';
import { backendStatus, getBackend, loadBackends } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { gridSizeText, gridSpecOf } from './grid.js';
import { runStrategy } from './run.js';
import { StrategyUnavailableError } from './strategy.js';
import type { GridSpec } from './types.js';
import { fitAmdahl } from '../machine/amdahl.js';
import { currentMachineProfile } from '../machine/store.js';
import type { AmdahlFit } from '../machine/types.js';
import { jit } from '../transforms/jit.js';
import type { NativeExecutable } from '../backends/native.js';
import { compileFormula } from '../formula/index.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import { DEFAULT_FORMULA } from './types.js';

export interface ThreadPoint {
  threads: number;
  pmapMs: number;
  kernelMs: number;
  floorMs: number;
  /** More devices than cores: the rows split into `threads` parts over the cores there are. */
  sharesCores?: boolean;
}

/** How many devices past the core count a sweep goes by default: twice the cores. */
export const OVERSUBSCRIPTION = 2;

export class ThreadScalingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadScalingError';
  }
}

/**
 * Parses "1,2,4": distinct positive integers, sorted, 1 included (the baseline); past the pool (up to 8×), devices
 * share cores.
 */
export function threadCounts(text: string, poolSize: number): number[] {
  const counts = text.split(',').map((part) => Number(part.trim()));
  const bad = counts.find((c) => !Number.isInteger(c) || c < 1);
  if (bad !== undefined) throw new ThreadScalingError(`--threads takes positive whole numbers, got '${text}'`);
  const limit = 8 * poolSize;
  const tooMany = counts.find((c) => c > limit);
  if (tooMany !== undefined)
    throw new ThreadScalingError(
      `--threads ${tooMany}: at most ${limit} devices on the native pool's ${poolSize} threads (VLAB_THREADS sets it)`,
    );
  return [...new Set([1, ...counts])].sort((a, b) => a - b);
}

/** The classroom's sweep: 1 … all cores, then on to OVERSUBSCRIPTION × the cores. */
export function defaultThreadCounts(cores: number): number[] {
  const counts = Array.from({ length: cores }, (_, k) => k + 1);
  for (let c = cores * 2; c <= cores * OVERSUBSCRIPTION; c *= 2) counts.push(c);
  return counts;
}

/** Amdahl's law fitted to pmap's times on up to `cores` threads (null without two such points). */
export function threadScalingFit(points: readonly ThreadPoint[], cores: number): AmdahlFit | null {
  return fitAmdahl(
    points.map((p) => ({ threads: p.threads, ms: p.pmapMs })),
    cores,
  );
}

/**
 * pmap's work with `devices` > cores: the nx rows in `devices` parts over all cores, median of `repeats` (after one
 * warm call).
 */
async function sharedCoresMs(
  backend: NativeBackend,
  grid: GridSpec,
  dtype: DType,
  repeats: number,
  devices: number,
  formula: string,
  signal?: AbortSignal,
): Promise<number> {
  const cores = backend.devices().length;
  const f = jit(gridOverAxes(gridFunction(compileFormula(formula))), { backend: 'native' });
  const [x, y] = gridAxes(grid, dtype);
  try {
    const executable = f.lower(x, y).executable as NativeExecutable;
    const times: number[] = [];
    for (let k = 0; k <= Math.max(1, repeats); k++) {
      const started = performance.now();
      // One part per device, as pmap splits rows; nx·ny is split evenly, so a part is nx / devices rows.
      const [out] = await executable.runOn([x, y], { devices: cores, parts: devices }, signal ? { signal } : {});
      if (k > 0) times.push(performance.now() - started);
      out!.dispose();
    }
    return times.sort((a, b) => a - b)[times.length >> 1]!;
  } finally {
    x.dispose();
    y.dispose();
  }
}

export interface ThreadScalingOptions {
  formula?: string;
  signal?: AbortSignal;
  /** After each thread count: the fraction done and the points so far. */
  onPoint?: (fraction: number, points: readonly ThreadPoint[]) => void;
}

/**
 * pmap, the kernel and the floor on each thread count, on the grid given as its side (square, default domain) or in
 * full.
 */
export async function measureThreadScaling(
  gridOrN: number | GridSpec,
  dtype: DType,
  repeats: number,
  counts: readonly number[],
  options: ThreadScalingOptions = {},
): Promise<ThreadPoint[]> {
  await loadBackends();
  if (!backendStatus('native').available)
    throw new StrategyUnavailableError('thread scaling needs the native backend (pmap runs on its threads)');
  const backend = getBackend('native') as NativeBackend;
  const { signal } = options;
  const grid = gridSpecOf(gridOrN);
  const points: ThreadPoint[] = [];
  const cores = backend.devices().length;
  for (const threads of counts) {
    if (threads > cores) {
      // More devices than cores: the kernel and the floor can use no more threads than there are.
      const pmapMs = await sharedCoresMs(
        backend,
        grid,
        dtype,
        repeats,
        threads,
        options.formula ?? DEFAULT_FORMULA,
        signal,
      );
      const kernelMs = await backend.handWrittenLoopMs(grid, dtype, repeats, cores);
      const floorMs = await backend.writeFloorMs(grid.nx * grid.ny, dtype, repeats, cores);
      points.push({ threads, pmapMs, kernelMs, floorMs, sharesCores: true });
    } else {
      const { record } = await runStrategy(
        {
          strategy: 'pmap',
          ...grid,
          dtype,
          repeats,
          devices: threads,
          ...(options.formula ? { formula: options.formula } : {}),
        },
        signal ? { signal } : {},
      );
      const kernelMs = await backend.handWrittenLoopMs(grid, dtype, repeats, threads);
      const floorMs = await backend.writeFloorMs(grid.nx * grid.ny, dtype, repeats, threads);
      points.push({ threads, pmapMs: record.medianMs, kernelMs, floorMs });
    }
    options.onPoint?.(points.length / counts.length, points);
  }
  return points;
}

/**
 * The table of speed-ups over one thread: pmap, the kernel, the floor, and the ideal; headed by the grid ("n = 64" when
 * square).
 */
export function threadScalingLines(
  grid: number | { nx: number; ny: number },
  dtype: DType,
  points: readonly ThreadPoint[],
): string[] {
  const base = points.find((p) => p.threads === 1);
  if (!base) return [];
  const x = (one: number, many: number) => `${(one / many).toFixed(2)}×`;
  const ms = (value: number) => `${value.toPrecision(3)} ms`;
  const { nx, ny } = typeof grid === 'number' ? { nx: grid, ny: grid } : grid;
  const lines = [
    `\nthread scaling, ${nx === ny ? `n = ${nx}` : gridSizeText({ nx, ny })} (${dtype}): speed-up over 1 thread`,
    '  threads  pmap                 hand-written kernel  write floor          ideal',
  ];
  for (const p of points) {
    const cell = (one: number, many: number) => `${ms(many)} ${x(one, many)}`.padEnd(21);
    const ideal = p.sharesCores ? 'devices share the cores' : `${p.threads}.00×`;
    lines.push(
      `  ${String(p.threads).padEnd(7)}  ` +
        `${cell(base.pmapMs, p.pmapMs)}${cell(base.kernelMs, p.kernelMs)}${cell(base.floorMs, p.floorMs)}${ideal}`,
    );
  }
  const cores = Math.max(...points.filter((p) => !p.sharesCores).map((p) => p.threads));
  const fit = threadScalingFit(points, cores);
  if (fit) {
    const limit = Number.isFinite(fit.maxSpeedup)
      ? `at most ${fit.maxSpeedup.toFixed(1)}× on any number of threads`
      : 'no limit';
    lines.push(
      `  Amdahl's law fitted to pmap: serial fraction ${(fit.serialFraction * 100).toFixed(1)}% (${limit}; rms ` +
        `error ${fit.rmsError.toFixed(2)}×)`,
    );
  }
  const roof = memoryRoofLine(
    nx * ny * (dtype === 'float64' ? 8 : 4),
    points.find((p) => p.threads === cores),
  );
  if (roof) lines.push(roof);
  return lines;
}

/**
 * Where this process has a machine profile: whether pmap on all cores writes its output near DRAM's bandwidth
 * (memory-bound).
 */
function memoryRoofLine(outputBytes: number, atCores: ThreadPoint | undefined): string | null {
  const profile = currentMachineProfile();
  if (!profile || !atCores) return null;
  const dram = profile.bandwidth.DRAM.writeGBps;
  const gbps = outputBytes / (atCores.pmapMs / 1000) / 1e9;
  const share = gbps / dram;
  const verdict =
    share >= 0.6
      ? 'memory-bound: more threads cannot write faster than DRAM takes it'
      : 'not memory-bound: the time goes to arithmetic';
  return (
    `  roofline: pmap on ${atCores.threads} threads writes ${gbps.toFixed(1)} GB/s, ` +
    `${Math.round(share * 100)}% of DRAM's ${dram.toFixed(1)} GB/s — ${verdict}`
  );
}
