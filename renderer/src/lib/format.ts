// Numbers as the lab prints them. Bytes, times and errors come from
// compute/report/figures.ts, the forms `vlab run`'s table and the memory
// guard use; ticks, ratios and labels are the renderer's own.

import { formatBytes, formatError, formatMs, scaleBytes } from '../../../compute/report/figures';

/** The engine's own wording, so a figure on screen reads exactly like the terminal's and a refusal's. */
export { formatBytes, formatError, formatMs };

/** A peak that may be absent: a JAX peer's allocator cannot be measured. */
export function formatPeak(bytes: number | undefined): string {
  return bytes === undefined ? 'not measured' : formatBytes(bytes);
}

/** A strategy's name as the charts and tables show it, with "run by NumPy" or "run by JAX" for a Python peer. */
export function strategyLabel(record: { strategy: string; backend: string }): string {
  if (record.backend !== 'python') return record.strategy;
  return `${record.strategy} (run by ${record.strategy === 'numpy' ? 'NumPy' : 'JAX'})`;
}

/** A ratio such as a speed-up: 412×, 3.1×, 0.52×. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  if (ratio >= 100) return `${Math.round(ratio)}×`;
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  return `${ratio.toPrecision(2)}×`;
}

/** A grid-point value for the hover readout: enough digits to compare with an export. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? value.toPrecision(6).replace(/\.?0+$/, '') : value.toExponential(4);
}

/** A scale's tick: three significant digits are enough to read a colour or a height by. */
export function formatTickValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1e-12) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(value.toPrecision(3))) : value.toExponential(2);
}

/** n = 6000 → "6,000"; n² → "36,000,000". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A grid's size in words: "n = 1,000" when square, "300 × 200" otherwise. */
/** A domain's interval as the lab writes it: [-2, 2]. */
export function formatInterval(range: readonly [number, number]): string {
  return `[${range.join(', ')}]`;
}

export function formatGrid(nx: number, ny: number): string {
  return nx === ny ? `n = ${formatCount(nx)}` : `${formatCount(nx)} × ${formatCount(ny)}`;
}

/** A decade tick on a time axis: 10 µs, 1 ms, 100 ms, 10 s. */
export function formatTickMs(ms: number): string {
  if (ms >= 1000) return `${trimZeros(ms / 1000)} s`;
  if (ms >= 1) return `${trimZeros(ms)} ms`;
  if (ms >= 1e-3) return `${trimZeros(ms * 1000)} µs`;
  return `${trimZeros(ms * 1e6)} ns`;
}

/** A decade tick on a bytes axis, in SI units (a decade of bytes is not a round number of KiB): 1 kB, 100 MB. */
export function formatTickBytes(bytes: number): string {
  const { value, unit } = scaleBytes(bytes, 1000);
  return `${trimZeros(value)} ${unit}`;
}

function trimZeros(value: number): string {
  return String(Number(value.toPrecision(3)));
}
