// CSV the way spreadsheets and RFC 4180 parsers both read it: a header row
// with units in the column names, CRLF line ends, fields quoted when they
// hold a comma, quote or line break. Non-finite numbers are written as
// NumPy prints them (inf, -inf, nan). A text cell that a spreadsheet would
// run as a formula (starting with = + - @, tab or CR) is prefixed with an
// apostrophe (CWE-1236); numbers are never altered.

import type { RunRecord } from '../strategies/types.js';
import type { MachineInfo } from './machine.js';

export type CsvCell = string | number | boolean | null | undefined;

export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return csvNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Record fields, in column order, with the units their names carry. */
const RECORD_COLUMNS: readonly [keyof RunRecord, string][] = [
  ['strategy', 'strategy'],
  ['n', 'n'],
  ['dtype', 'dtype'],
  ['backend', 'backend'],
  ['devices', 'devices'],
  ['shape', 'shape'],
  ['firstMs', 'first_ms'],
  ['medianMs', 'median_ms'],
  ['minMs', 'min_ms'],
  ['maxMs', 'max_ms'],
  ['repeats', 'repeats'],
  ['peakBytes', 'peak_bytes'],
  ['predictedBytes', 'predicted_bytes'],
  ['maxAbsErr', 'max_abs_err'],
  ['allclose', 'allclose'],
  ['uploadMs', 'upload_ms'],
  ['kernelMs', 'kernel_ms'],
  ['readbackMs', 'readback_ms'],
  ['outputBuffer', 'output_buffer'],
  ['computedDtype', 'computed_dtype'],
  ['deviceName', 'device_name'],
  ['formula', 'formula'],
  ['note', 'note'],
];

const MACHINE_COLUMNS: readonly [keyof MachineInfo, string][] = [
  ['cpuModel', 'cpu_model'],
  ['cores', 'cpu_cores'],
  ['gpuAdapter', 'gpu_adapter'],
  ['os', 'os'],
  ['appVersion', 'app_version'],
];

/** One row per record; the machine's description repeats on every row so any row stands alone. */
export function recordsToCsv(records: readonly RunRecord[], machine: MachineInfo): string {
  const header = [...RECORD_COLUMNS.map(([, name]) => name), ...MACHINE_COLUMNS.map(([, name]) => name)];
  const rows = records.map((record) => [
    ...RECORD_COLUMNS.map(([key]) => {
      const value = record[key];
      return Array.isArray(value) ? value.join('x') : (value as CsvCell);
    }),
    ...MACHINE_COLUMNS.map(([key]) => machine[key] as CsvCell),
  ]);
  return toCsv(header, rows);
}
