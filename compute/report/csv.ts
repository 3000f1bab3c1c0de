// CSV the way spreadsheets and RFC 4180 parsers both read it: a header row
// with units in the column names, CRLF line ends, fields quoted when they
// hold a comma, quote or line break. Non-finite numbers are written as
// NumPy prints them (inf, -inf, nan). A text cell that a spreadsheet would
// run as a formula (starting with = + - @, tab or CR) is prefixed with an
// apostrophe (CWE-1236); numbers are never altered. parseCsv reads it back
// and removes exactly that apostrophe, so every value round-trips.

import { GRID_RANGE, type RunRecord } from '../strategies/types.js';
import type { MachineInfo } from './machine.js';

export type CsvCell = string | number | boolean | null | undefined;

export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return csvNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Apostrophes already in front are counted in, so that reading back is exact.
  const text = FORMULA_LIKE.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Record columns, in order, with the units their names carry. */
const RECORD_COLUMNS: readonly [string, (r: RunRecord) => CsvCell][] = [
  ['strategy', (r) => r.strategy],
  // The column 'n' stays for the files' readers: the square side, nx (read nx and ny).
  ['n', (r) => r.nx],
  // Records kept from before rectangular grids have no nx, ny or domain: they were n × n over [-2, 2]².
  ['nx', (r) => r.nx],
  ['ny', (r) => r.ny],
  ['x_min', (r) => (r.xRange ?? GRID_RANGE)[0]],
  ['x_max', (r) => (r.xRange ?? GRID_RANGE)[1]],
  ['y_min', (r) => (r.yRange ?? GRID_RANGE)[0]],
  ['y_max', (r) => (r.yRange ?? GRID_RANGE)[1]],
  ['dtype', (r) => r.dtype],
  ['backend', (r) => r.backend],
  ['devices', (r) => r.devices],
  ['shape', (r) => r.shape.join('x')],
  ['first_ms', (r) => r.firstMs],
  ['median_ms', (r) => r.medianMs],
  ['min_ms', (r) => r.minMs],
  ['max_ms', (r) => r.maxMs],
  ['iqr_ms', (r) => r.iqrMs],
  ['stddev_ms', (r) => r.stddevMs],
  ['repeats', (r) => r.repeats],
  ['noisy', (r) => r.noisy],
  ['noisy_reason', (r) => r.noisyReason],
  ['peak_bytes', (r) => r.peakBytes],
  ['predicted_bytes', (r) => r.predictedBytes],
  ['max_abs_err', (r) => r.maxAbsErr],
  ['allclose', (r) => r.allclose],
  ['shape_error', (r) => r.shapeError],
  ['nan_count', (r) => r.nonFinite.nan],
  ['posinf_count', (r) => r.nonFinite.posInf],
  ['neginf_count', (r) => r.nonFinite.negInf],
  ['nonfinite_match', (r) => r.nonFiniteMatch],
  ['upload_ms', (r) => r.uploadMs],
  ['kernel_ms', (r) => r.kernelMs],
  ['readback_ms', (r) => r.readbackMs],
  ['output_buffer', (r) => r.outputBuffer],
  ['computed_dtype', (r) => r.computedDtype],
  ['device_name', (r) => r.deviceName],
  ['isa', (r) => r.isa],
  ['lanes', (r) => r.lanes],
  ['formula', (r) => r.formula],
  ['note', (r) => r.note],
  ['peer_versions', (r) => r.peerVersions],
  // The output when it is a number (reduce: max, min, sum, mean), with where the extreme is and the reference.
  ['reduce', (r) => r.reduce ?? 'grid'],
  ['value', (r) => r.value],
  ['at_i', (r) => r.at?.i],
  ['at_j', (r) => r.at?.j],
  ['at_x', (r) => r.at?.x],
  ['at_y', (r) => r.at?.y],
  ['reference', (r) => r.reference],
  ['error', (r) => r.error],
  ['integral', (r) => r.integral],
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
  const header = [...RECORD_COLUMNS.map(([name]) => name), ...MACHINE_COLUMNS.map(([, name]) => name)];
  const rows = records.map((record) => [
    ...RECORD_COLUMNS.map(([, cell]) => cell(record)),
    ...MACHINE_COLUMNS.map(([key]) => machine[key] as CsvCell),
  ]);
  return toCsv(header, rows);
}

/**
 * Reads RFC 4180 text (quoted fields, doubled quotes, CRLF or LF) into rows of
 * strings, and undoes the apostrophe that csvField put before formula-like text.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    row.push(ESCAPED_FORMULA.test(field) ? field.slice(1) : field);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') {
        field += ch;
      } else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        quoted = false;
      }
    } else if (ch === '"' && field === '' && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (ch === ',') {
      endField();
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      endField();
      rows.push(row);
      row = [];
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}
