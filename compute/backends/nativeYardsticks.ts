// The yardsticks the native evaluator is measured against, run on the same
// pool and the same SIMD target as its runs: the physical floor (streaming
// stores of zeros, no arithmetic) and the lesson's f written by hand in C++
// (compute/native/src/vm_yardsticks.h). `vlab bench` reads its ratios
// against these.

import type { DType } from '../core/dtype.js';
import type { Grid } from '../core/grid.js';
import { linspace } from '../core/creation.js';
import { NDArray } from '../core/ndarray.js';
import type { NativeRuntime } from './nativePool.js';

/**
 * The grid of the hand-written loop: a Grid's geometry (a strategy's GridSpec); the dtype is the call's own argument.
 */
export type LessonGrid = Omit<Grid, 'dtype'>;

/** Streaming stores of `count` values on `threads` threads, median of `repeats` (the floor at that thread count). */
export async function writeFloorMs(
  runtime: NativeRuntime,
  count: number,
  dtype: DType,
  repeats: number,
  threads: number,
) {
  const addon = runtime.pool();
  const workers = runtime.workers({ devices: threads });
  const isa = runtime.target().isa;
  const out = NDArray.empty([count], dtype);
  try {
    const times: number[] = [];
    // The first pass pays the first touch of fresh pages; only the passes after it are timed.
    for (let k = 0; k <= Math.max(1, repeats); k++) {
      const started = performance.now();
      await addon.measureFloor(out.data, workers, isa).promise;
      if (k > 0) times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    out.dispose();
  }
}

/**
 * The lesson's f as a hand-written, vectorized C++ loop over the grid on
 * `devices` threads, median of `repeats`: what the native evaluator is held
 * to, on the same x and y as the strategies it is set beside.
 */
export async function handWrittenLoopMs(
  runtime: NativeRuntime,
  { nx, ny, xRange, yRange }: LessonGrid,
  dtype: DType,
  repeats: number,
  devices = 1,
): Promise<number> {
  const addon = runtime.pool();
  const isa = runtime.target().isa;
  const x = linspace(xRange[0], xRange[1], nx, { dtype });
  const y = linspace(yRange[0], yRange[1], ny, { dtype });
  const out = NDArray.empty([nx, ny], dtype);
  try {
    const times: number[] = [];
    for (let k = 0; k <= Math.max(1, repeats); k++) {
      const started = performance.now();
      await addon.lessonLoop(out.data, x.data, y.data, runtime.workers({ devices }), isa).promise;
      if (k > 0) times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    out.dispose();
    x.dispose();
    y.dispose();
  }
}

/**
 * The hand-written fused max (the lesson's f, folded block by block into a
 * running maximum, never stored) on `devices` threads, one part per thread:
 * median milliseconds of `repeats` and the maximum it found.
 */
export async function handWrittenMaxMs(
  runtime: NativeRuntime,
  { nx, ny, xRange, yRange }: LessonGrid,
  dtype: DType,
  repeats: number,
  devices: number,
): Promise<{ ms: number; max: number }> {
  const addon = runtime.pool();
  if (devices > runtime.threads) throw new RangeError(`the pool has ${runtime.threads} threads, not ${devices}`);
  const isa = runtime.target().isa;
  const x = linspace(xRange[0], xRange[1], nx, { dtype });
  const y = linspace(yRange[0], yRange[1], ny, { dtype });
  const parts = new Float64Array(Math.max(1, Math.min(devices, nx)));
  try {
    const times: number[] = [];
    for (let k = 0; k <= Math.max(1, repeats); k++) {
      const started = performance.now();
      await addon.lessonMax(parts, x.data, y.data, runtime.workers({ devices }), isa).promise;
      if (k > 0) times.push(performance.now() - started);
    }
    return { ms: median(times), max: parts.reduce((a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)), -Infinity) };
  } finally {
    x.dispose();
    y.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
