import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrategy } from '../strategies/run.js';
import { NDArray } from '../core/ndarray.js';
import type { RunRecord } from '../strategies/types.js';
import { npyBytes, npyHeader, writeNpy } from './npy.js';
import { markdownCell, resultsToMarkdown } from './markdown.js';
import { RESULTS_SCHEMA, resultsDocument, resultsJson } from './jsonExport.js';
import { machineInfo } from './machine.js';
import { numpyPython } from '../../scripts/venvPython.js';

const python = numpyPython();

/** np.load of the file, checked in Python against f evaluated by NumPy on its own linspace axes. */
function numpyCheck(
  path: string,
  pythonF: string,
  nx: number,
  ny: number,
): { shape: number[]; dtype: string; maxErr: number } {
  const script = [
    'import json, sys, numpy as np',
    'z = np.load(sys.argv[1])',
    `x = np.linspace(-2, 2, ${nx}); y = np.linspace(-2, 2, ${ny})`,
    'X, Y = np.meshgrid(x, y, indexing="ij")',
    `f = lambda x, y: ${pythonF}`,
    'print(json.dumps({"shape": list(z.shape), "dtype": str(z.dtype), "maxErr": float(np.max(np.abs(z.astype(np.float64) - f(X, Y))))}))',
  ].join('\n');
  return JSON.parse(execFileSync(python!, ['-c', script, path]).toString()) as {
    shape: number[];
    dtype: string;
    maxErr: number;
  };
}

describe('the grid as .npy', () => {
  it('has NumPy’s v1.0 header: magic, version, a dict padded so the data starts on 64 bytes', () => {
    const header = npyHeader('float32', [120, 70]);
    expect(header.length % 64).toBe(0);
    expect([...header.slice(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const length = header[8]! | (header[9]! << 8);
    expect(10 + length).toBe(header.length);
    const dict = new TextDecoder().decode(header.slice(10));
    expect(dict).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(120, 70\), \} *\n$/);
    expect(new TextDecoder().decode(npyHeader('float64', [30]).slice(10))).toContain("'descr': '<f8'");
    expect(new TextDecoder().decode(npyHeader('float64', [30]).slice(10))).toContain("'shape': (30,)");
  });

  it('holds the values in C order, a strided view gathered to the same bytes as its copy', () => {
    const a = NDArray.from(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    const t = a.transpose();
    const copy = t.copy();
    const viaView = npyBytes({ dtype: 'float64', shape: t.shape, data: t.data, offset: t.offset, strides: t.strides });
    const viaCopy = npyBytes({
      dtype: 'float64',
      shape: copy.shape,
      data: copy.data,
      offset: copy.offset,
      strides: copy.strides,
    });
    expect(viaView).toEqual(viaCopy);
    const values = new Float64Array(viaView.buffer.slice(npyHeader('float64', [3, 2]).length));
    expect([...values]).toEqual([1, 4, 2, 5, 3, 6]);
    for (const x of [a, t, copy]) x.dispose();
  });

  it.skipIf(python === null)(
    'loads in NumPy to the grid’s values, z[i, j] = f(x[i], y[j]), in float32 and float64',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vlab-npy-'));
      for (const dtype of ['float32', 'float64'] as const) {
        const { grid } = await runStrategy(
          { strategy: 'vmap', n: 37, dtype, formula: 'x - y / 2 + sin(x) * y', backend: 'js', repeats: 0 },
          { keepGrid: true },
        );
        const path = join(dir, `grid-${dtype}.npy`);
        const bytes = await writeNpy(path, {
          dtype,
          shape: grid!.shape,
          data: grid!.data,
          offset: grid!.offset,
          strides: grid!.strides,
        });
        grid!.dispose();
        expect(readFileSync(path).length).toBe(bytes);
        const loaded = numpyCheck(path, 'x - y / 2 + np.sin(x) * y', 37, 37);
        expect(loaded.shape).toEqual([37, 37]);
        expect(loaded.dtype).toBe(dtype);
        expect(loaded.maxErr).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
      }
    },
  );
});

/** Reads a GFM table (header, delimiter row, body) into cells, honouring escaped pipes; throws when it is not one. */
function parseMarkdownTable(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const tableLines = lines.slice(start, start + lines.slice(start).findIndex((l) => !l.startsWith('|')));
  const cells = (line: string) => {
    const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
    return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|').replace(/\\\\/g, '\\'));
  };
  const [headerLine, delimiter, ...body] = tableLines;
  const header = cells(headerLine!);
  const align = cells(delimiter!);
  if (align.length !== header.length || !align.every((c) => /^:?-{3,}:?$/.test(c)))
    throw new Error(`not a delimiter row: ${delimiter}`);
  const rows = body.map(cells);
  for (const row of rows)
    if (row.length !== header.length)
      throw new Error(`row has ${row.length} cells, header ${header.length}: ${row.join(' | ')}`);
  return { header, rows };
}

const record = (over: Partial<RunRecord>): RunRecord => ({
  strategy: 'vmap',
  nx: 100,
  ny: 100,
  xRange: [-2, 2],
  yRange: [-2, 2],
  dtype: 'float32',
  backend: 'native',
  devices: 1,
  shape: [100, 100],
  firstMs: 3,
  medianMs: 2,
  minMs: 1.9,
  maxMs: 2.5,
  repeats: 5,
  samplesMs: [1.9, 2, 2, 2.1, 2.5],
  iqrMs: 0.1,
  stddevMs: 0.23,
  noisy: false,
  peakBytes: 40_000,
  predictedBytes: 40_000,
  maxAbsErr: 1e-7,
  allclose: true,
  nonFinite: { nan: 0, posInf: 0, negInf: 0 },
  nonFiniteMatch: true,
  formula: 'abs(x) | y',
  outputBuffer: 'recycled',
  ...over,
});

describe('results as Markdown', () => {
  it('renders as a table, hyperfine’s columns: median ± IQR, min, max, relative to the fastest on the same grid', () => {
    const records = [
      record({
        strategy: 'meshgrid',
        medianMs: 8,
        iqrMs: 2.5,
        minMs: 7,
        maxMs: 12,
        noisy: true,
        noisyReason: 'IQR is 31% of the median (over 20%)',
      }),
      record({}),
      record({ strategy: 'limit', medianMs: 0.5, iqrMs: 0, minMs: 0.5, maxMs: 0.5, note: 'writing n² values' }),
    ];
    const refused = [
      {
        strategy: 'vmap' as const,
        nx: 1_000_000,
        ny: 1_000_000,
        neededBytes: 4e12,
        availableBytes: 1e10,
        message: 'vmap at n = 1000000 needs 3.64 TiB',
      },
    ];
    const text = resultsToMarkdown({ records, refused });
    const { header, rows } = parseMarkdownTable(text);
    expect(header).toEqual([
      'Strategy',
      'n',
      'dtype',
      'Backend',
      'Devices',
      'Median ± IQR [ms]',
      'Min [ms]',
      'Max [ms]',
      'Peak memory',
      'Relative',
      'Noisy',
    ]);
    expect(rows).toHaveLength(4);
    const col = (row: string[], name: string) => row[header.indexOf(name)];
    expect(col(rows[0]!, 'Median ± IQR [ms]')).toBe('8.00 ± 2.50');
    expect(col(rows[0]!, 'Relative')).toBe('4.00');
    expect(col(rows[0]!, 'Noisy')).toBe('noisy');
    expect(col(rows[1]!, 'Relative')).toBe('1.00');
    expect(col(rows[3]!, 'n')).toBe('1000000');
    expect(col(rows[3]!, 'Median ± IQR [ms]')).toBe('refused');
    expect(text).toContain('`meshgrid` at n = 100 is noisy: IQR is 31% of the median (over 20%).');
    expect(text).toContain('was refused: vmap at n = 1000000 needs 3.64 TiB');
  });

  it('escapes what would break a row', () => {
    expect(markdownCell('a | b\nc \\ d')).toBe('a \\| b c \\\\ d');
    expect(parseMarkdownTable(`| h |\n|---|\n| ${markdownCell('a | b')} |\n`).rows).toEqual([['a | b']]);
  });
});

describe('results as JSON', () => {
  it('is one document with the version, the machine and the records with their samples, the floor apart', () => {
    const machine = machineInfo();
    const records = [record({}), record({ strategy: 'limit' })];
    const refused = [
      { strategy: 'vmap' as const, nx: 1e6, ny: 1e6, neededBytes: 1, availableBytes: 0, message: 'too big' },
    ];
    const doc = JSON.parse(resultsJson({ records, refused, command: 'vlab run --n 100' }, machine)) as ReturnType<
      typeof resultsDocument
    >;
    expect(doc).toMatchObject({
      schema: RESULTS_SCHEMA,
      schemaVersion: 1,
      version: machine.appVersion,
      machine,
      command: 'vlab run --n 100',
    });
    expect(doc.records.map((r) => r.strategy)).toEqual(['vmap']);
    expect(doc.records[0]!.samplesMs).toEqual([1.9, 2, 2, 2.1, 2.5]);
    expect(doc.limits.map((r) => r.strategy)).toEqual(['limit']);
    expect(doc.refused).toEqual(refused);
    expect(Date.parse(doc.createdAt)).not.toBeNaN();
  });
});
