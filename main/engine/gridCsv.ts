// Writes a whole grid as CSV rows x,y,f (RFC 4180: header row, CRLF) to a
// file, streaming: n² rows never exist as one string. Numbers are written in
// the shortest form that reads back to the same value in the grid's dtype.
// Runs in the engine process, next to the grid; yields between chunks so a
// cancel is heard, and reports progress.

import { readdir, rm } from 'node:fs/promises';
import { partialPathOf, writeBesideThenRename } from '../../compute/leaves.js';
import { basename, dirname, join } from 'node:path';

export { partialPathOf };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what a killed export to `path` left beside it: this process's own
 * partial file (callers run one grid export at a time) and those of processes
 * that no longer exist — a killed engine's, once the host has seen it exit.
 * Returns the names removed.
 */
export async function removeStalePartials(path: string): Promise<string[]> {
  const prefix = `${basename(path)}.partial-`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const pid = name.slice(prefix.length);
    if (!/^\d+$/.test(pid)) return false;
    return Number(pid) === process.pid || !processAlive(Number(pid));
  });
  await Promise.all(stale.map((name) => rm(join(dirname(path), name), { force: true })));
  return stale;
}

/** Shortest decimal that rounds back to the same float32. */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

export function formatFloat64(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return String(value);
}

export interface CsvSource {
  dtype: 'float32' | 'float64';
  /** Axis values, n each. */
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** values[offset + i * strides[0] + j * strides[1]] = f(xs[i], ys[j]). */
  data: ArrayLike<number>;
  offset: number;
  strides: readonly [number, number];
}

const CHUNK_CHARS = 1 << 20;

export async function writeGridCsv(
  path: string,
  grid: CsvSource,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<number> {
  const format = grid.dtype === 'float32' ? formatFloat32 : formatFloat64;
  const xText = Array.from(grid.xs, format);
  const yText = Array.from(grid.ys, format);
  // Written beside the target and renamed over it only when complete: a crash
  // or a cancel mid-write leaves the earlier file whole, never half of one.
  await removeStalePartials(path);
  let rows = 0;
  await writeBesideThenRename(path, async (file) => {
    let chunk = 'x,y,f\r\n';
    const [s0, s1] = grid.strides;
    for (let i = 0; i < xText.length; i++) {
      const prefix = `${xText[i]},`;
      const base = grid.offset + i * s0;
      for (let j = 0; j < yText.length; j++) {
        chunk += `${prefix}${yText[j]},${format(grid.data[base + j * s1]!)}\r\n`;
        rows++;
        if (chunk.length > CHUNK_CHARS) {
          await file.write(chunk);
          chunk = '';
        }
      }
      if (options.signal?.aborted)
        throw Object.assign(new Error('the grid export was cancelled'), { name: 'CancelledError' });
      options.onProgress?.((i + 1) / xText.length);
    }
    await file.write(chunk);
  });
  return rows;
}
