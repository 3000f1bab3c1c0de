import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, recordsToCsv, toCsv } from './csv.js';
import { machineInfo } from './machine.js';
import { runStrategy } from '../strategies/run.js';

const HOSTILE = [
  '=1+1',
  '+x',
  '-x^2 + y',
  '@SUM(A1)',
  '\tx',
  '\rx',
  "'=already",
  "''+twice",
  'a,b',
  'say "hi"',
  'line\r\nbreak',
  "it's",
  '',
  'plain',
  '=HYPERLINK("http://x")',
];

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import csv, json']);
    return true;
  } catch {
    return false;
  }
}

describe('CSV export', () => {
  it('writes non-finite numbers as NumPy prints them, and never alters numbers', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[Infinity, -Infinity, NaN, -0.5]])).toBe('a,b,c,d\r\ninf,-inf,nan,-0.5\r\n');
  });

  it('defuses formula-like text cells (CWE-1236) so no spreadsheet runs them', () => {
    for (const value of HOSTILE) {
      const field = csvField(value);
      const unquoted = field.startsWith('"') ? field.slice(1) : field;
      expect(unquoted, value).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('round-trips every value through its own RFC 4180 reader', () => {
    const rows = HOSTILE.map((v, i) => [String(i), v]);
    expect(parseCsv(toCsv(['i', 'value'], rows))).toEqual([['i', 'value'], ...rows]);
  });

  it.skipIf(!hasPython())(
    'is read by an independent RFC 4180 parser (Python csv) to the same values, less the defusing apostrophe',
    () => {
      const text = toCsv(
        ['i', 'value'],
        HOSTILE.map((v, i) => [i, v]),
      );
      const script =
        'import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))';
      const parsed = JSON.parse(execFileSync('python3', ['-c', script], { input: text }).toString()) as string[][];
      expect(parsed).toHaveLength(HOSTILE.length + 1);
      HOSTILE.forEach((value, i) => {
        const cell = parsed[i + 1]![1]!;
        expect(cell === value || cell === `'${value}`, `${JSON.stringify(value)} read as ${JSON.stringify(cell)}`).toBe(
          true,
        );
      });
    },
  );

  it('a results file has units in its header, the machine on every row, and a user formula defused', async () => {
    const { record } = await runStrategy({
      strategy: 'vmap',
      n: 8,
      dtype: 'float64',
      formula: '-x^2 + log(x)',
      backend: 'js',
    });
    const machine = machineInfo();
    const [header, row] = parseCsv(recordsToCsv([record], machine));
    for (const column of [
      'median_ms',
      'peak_bytes',
      'predicted_bytes',
      'max_abs_err',
      'nan_count',
      'cpu_model',
      'cpu_cores',
      'gpu_adapter',
      'os',
      'app_version',
    ]) {
      expect(header).toContain(column);
    }
    const cell = (name: string) => row![header!.indexOf(name)]!;
    expect(cell('formula')).toBe('-x^2 + log(x)');
    expect(Number(cell('nan_count'))).toBe(record.nonFinite.nan);
    expect(record.nonFinite.nan).toBeGreaterThan(0);
    expect(cell('cpu_cores')).toBe(String(machine.cores));
    expect(cell('shape')).toBe('8x8');
  });
});
