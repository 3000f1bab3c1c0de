// Thread scaling, for `vlab bench --threads 1,2,…` and the classroom's
// threads sweep: pmap's time on each thread count beside the hand-written
// C++ kernel's and the write floor's on the same threads, each as a speed-up
// over its own 1-thread time, with the ideal (the thread count). Measured in
// one run, interleaved per thread count, so that a machine whose load drifts
// moves all three alike. Measures and formats; never prints.

import type { DType } from '../core/dtype.js';
import { backendStatus, getBackend, loadBackends } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { gridSizeText, gridSpecOf } from './grid.js';
import { runStrategy } from './run.js';
import { StrategyUnavailableError } from './strategy.js';
import type { GridSpec } from './types.js';

export interface ThreadPoint {
  threads: number;
  pmapMs: number;
  kernelMs: number;
  floorMs: number;
}

export class ThreadScalingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadScalingError';
  }
}

/** Parses "1,2,4": distinct positive integers no larger than the native pool, sorted, 1 included (the baseline). */
export function threadCounts(text: string, poolSize: number): number[] {
  const counts = text.split(',').map((part) => Number(part.trim()));
  const bad = counts.find((c) => !Number.isInteger(c) || c < 1);
  if (bad !== undefined) throw new ThreadScalingError(`--threads takes positive whole numbers, got '${text}'`);
  const tooMany = counts.find((c) => c > poolSize);
  if (tooMany !== undefined) throw new ThreadScalingError(`--threads ${tooMany}: the native pool has ${poolSize} threads (VLAB_THREADS sets it)`);
  return [...new Set([1, ...counts])].sort((a, b) => a - b);
}

export interface ThreadScalingOptions {
  formula?: string;
  signal?: AbortSignal;
  /** After each thread count: the fraction done and the points so far. */
  onPoint?: (fraction: number, points: readonly ThreadPoint[]) => void;
}

/** pmap, the kernel and the floor on each thread count, on the grid given as its side (square, default domain) or in full. */
export async function measureThreadScaling(gridOrN: number | GridSpec, dtype: DType, repeats: number, counts: readonly number[], options: ThreadScalingOptions = {}): Promise<ThreadPoint[]> {
  await loadBackends();
  if (!backendStatus('native').available) throw new StrategyUnavailableError('thread scaling needs the native backend (pmap runs on its threads)');
  const backend = getBackend('native') as NativeBackend;
  const { signal } = options;
  const grid = gridSpecOf(gridOrN);
  const points: ThreadPoint[] = [];
  for (const threads of counts) {
    const { record } = await runStrategy({ strategy: 'pmap', ...grid, dtype, repeats, devices: threads, ...(options.formula ? { formula: options.formula } : {}) }, signal ? { signal } : {});
    const kernelMs = await backend.handWrittenLoopMs(grid, dtype, repeats, threads);
    const floorMs = await backend.writeFloorMs(grid.nx * grid.ny, dtype, repeats, threads);
    points.push({ threads, pmapMs: record.medianMs, kernelMs, floorMs });
    options.onPoint?.(points.length / counts.length, points);
  }
  return points;
}

/** The table of speed-ups over one thread: pmap, the kernel, the floor, and the ideal; headed by the grid ("n = 64" when square). */
export function threadScalingLines(grid: number | { nx: number; ny: number }, dtype: DType, points: readonly ThreadPoint[]): string[] {
  const base = points.find((p) => p.threads === 1);
  if (!base) return [];
  const x = (one: number, many: number) => `${(one / many).toFixed(2)}×`;
  const ms = (value: number) => `${value.toPrecision(3)} ms`;
  const { nx, ny } = typeof grid === 'number' ? { nx: grid, ny: grid } : grid;
  const lines = [`\nthread scaling, ${nx === ny ? `n = ${nx}` : gridSizeText({ nx, ny })} (${dtype}): speed-up over 1 thread`, '  threads  pmap                 hand-written kernel  write floor          ideal'];
  for (const p of points) {
    const cell = (one: number, many: number) => `${ms(many)} ${x(one, many)}`.padEnd(21);
    lines.push(`  ${String(p.threads).padEnd(7)}  ${cell(base.pmapMs, p.pmapMs)}${cell(base.kernelMs, p.kernelMs)}${cell(base.floorMs, p.floorMs)}${p.threads}.00×`);
  }
  return lines;
}
