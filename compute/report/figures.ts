// How a figure reads — a byte count, a time, an error against the reference —
// everywhere the lab prints one: the memory guard's refusals, `vlab`'s table,
// Markdown, and the renderer's bars and tables. A leaf module (no imports),
// so the renderer imports it rather than keeping a copy.

/** A byte count in the largest unit (powers of `base`) that keeps it at 1 or more. */
export function scaleBytes(bytes: number, base: 1000 | 1024): { value: number; unit: string; scaled: boolean } {
  const units = base === 1024 ? ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] : ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  return { value, unit: units[unit]!, scaled: unit > 0 };
}

/** Binary units, three significant figures: 7.28 TiB. */
export function formatBytes(bytes: number): string {
  const { value, unit, scaled } = scaleBytes(bytes, 1024);
  return `${value >= 100 || !scaled ? Math.round(value) : value.toPrecision(3)} ${unit}`;
}

/** 0.123 ms, 53.2 ms, 2.50 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toPrecision(3)} ms`;
}

/** A max abs error: 0, 3.1e-7, NaN. */
export function formatError(err: number): string {
  return err === 0 ? '0' : Number.isFinite(err) ? err.toExponential(1) : String(err);
}
