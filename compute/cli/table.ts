// Plain-text tables for the terminal: right-aligned numbers, left-aligned text.

/** A figure with its unit, a figure ± its spread, or a run that was refused: right-aligned. */
const NUMERIC_CELL = /^(?:[-+\d.,×µ%e ]*(?:ms|s|B|KiB|MiB|GiB|TiB|×)?(?: ± [-+\d.,e ]*(?:ms|s))?|refused)$/;

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.every((r) => NUMERIC_CELL.test(r[c] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export { formatError, formatMs } from '../report/figures.js';
