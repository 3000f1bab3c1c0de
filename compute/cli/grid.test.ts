// `vlab run` on a rectangular grid over another domain, as issue 14 asks:
// --nx 120 --ny 70 --x-range -3,1 --y-range 0,2 --formula "x - y / 2" gives
// shape [120, 70] for every strategy, and each strategy's grid (read back
// from its .npy) holds z[i, j] = f(x[i], y[j]) on that domain — values
// written out here by hand, not the engine's own reference.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../report/jsonExport.js';
import { parseCsv } from '../report/csv.js';
import { strategyAvailability } from '../strategies/run.js';
import type { StrategyName } from '../strategies/types.js';
import { cli } from '../../test/cli.js';

/** A float32 or float64 C-order .npy as its shape and values. */
function readNpy(path: string): { shape: number[]; values: Float32Array | Float64Array } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = header
    .match(/'shape': \(([^)]*)\)/)![1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const data = bytes.subarray(10 + headerLength);
  const copy = new Uint8Array(data).buffer;
  return { shape, values: header.includes("'<f4'") ? new Float32Array(copy) : new Float64Array(copy) };
}

const ISSUE_STRATEGIES: StrategyName[] = ['loops', 'meshgrid', 'vmap', 'pmap', 'gpu'];
const GRID = ['--nx', '120', '--ny', '70', '--x-range', '-3,1', '--y-range', '0,2', '--formula', 'x - y / 2'];
const f = (i: number, j: number) => {
  const x = -3 + (4 * i) / 119;
  const y = (2 * j) / 69;
  return x - y / 2;
};

let available: StrategyName[] = [];
const dir = mkdtempSync(join(tmpdir(), 'vlab-grid-'));
beforeAll(async () => {
  const here = new Set((await strategyAvailability()).filter((a) => a.available).map((a) => a.strategy));
  available = ISSUE_STRATEGIES.filter((s) => here.has(s));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vlab run --nx 120 --ny 70 --x-range -3,1 --y-range 0,2 --formula "x - y / 2"', () => {
  it('gives shape [120, 70], the grid and the domain in every record of the JSON', async () => {
    const { code, stdout, stderr } = await cli([
      'run',
      ...GRID,
      '--strategies',
      available.join(','),
      '--repeats',
      '1',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as ResultsDocument;
    expect(doc.records.map((r) => r.strategy)).toEqual(available);
    for (const r of doc.records)
      expect(r).toMatchObject({ nx: 120, ny: 70, xRange: [-3, 1], yRange: [0, 2], shape: [120, 70], allclose: true });
    for (const limit of doc.limits) expect(limit).toMatchObject({ nx: 120, ny: 70, shape: [120, 70] });
  });

  it.each(ISSUE_STRATEGIES.map((s) => [s]))(
    '%s: z[i, j] = f(x[i], y[j]) on that domain, read back from its .npy',
    async (strategy) => {
      if (!available.includes(strategy)) return;
      const path = join(dir, `${strategy}.npy`);
      const { code } = await cli([
        'run',
        ...GRID,
        '--strategies',
        strategy,
        '--repeats',
        '0',
        '--dtype',
        'float32',
        '--npy',
        path,
        '--quiet',
        '--json',
        join(dir, 'unused.json'),
      ]);
      expect(code).toBe(0);
      const { shape, values } = readNpy(path);
      expect(shape).toEqual([120, 70]);
      let worst = 0;
      for (let i = 0; i < 120; i++)
        for (let j = 0; j < 70; j++) worst = Math.max(worst, Math.abs(values[i * 70 + j]! - f(i, j)));
      expect(worst).toBeLessThan(1e-6);
      // The transpose (meshgrid's 'xy' mistake) would fail this: the check bites.
      expect(Math.abs(values[1]! - f(0, 1))).toBeLessThan(1e-6);
      expect(Math.abs(values[1]! - f(1, 0))).toBeGreaterThan(0.01);
    },
  );

  it("gives naive JAX's shape error as its row, not a failed command", async () => {
    const { code, stdout } = await cli(['run', '--nx', '300', '--ny', '200', '--strategies', 'naive', '--json']);
    expect(code).toBe(0);
    const [record] = (JSON.parse(stdout) as ResultsDocument).records;
    expect(record).toMatchObject({ strategy: 'naive', nx: 300, ny: 200, shape: [], allclose: false });
    expect(record!.shapeError).toBe('add got incompatible shapes for broadcasting: (300,), (200,).');
    const table = await cli(['run', '--nx', '300', '--ny', '200', '--strategies', 'naive,vmap', '--backend', 'js']);
    expect(table.stdout).toMatch(/^naive +300×200 .*shape error/m);
    expect(table.stdout).toContain('naive: TypeError: add got incompatible shapes for broadcasting: (300,), (200,).');
    expect(table.stdout).toMatch(/^vmap +300×200 .*\(300, 200\)/m);
  });

  it('writes nx, ny and the domain as CSV columns', async () => {
    const { stdout } = await cli(['run', ...GRID, '--strategies', 'vmap', '--backend', 'js', '--csv', '-']);
    const [header, row] = parseCsv(stdout);
    const cell = (name: string) => row![header!.indexOf(name)];
    expect([
      cell('n'),
      cell('nx'),
      cell('ny'),
      cell('x_min'),
      cell('x_max'),
      cell('y_min'),
      cell('y_max'),
      cell('shape'),
    ]).toEqual(['120', '120', '70', '-3', '1', '0', '2', '120x70']);
  });

  it('writes the grid as "nx × ny" and the domain in the Markdown table, and the shape error below it', async () => {
    const { stdout } = await cli(['run', ...GRID, '--strategies', 'naive,vmap', '--backend', 'js', '--markdown', '-']);
    expect(stdout).toMatch(/^\| `vmap` \| 120 × 70 \| float32 \|/m);
    expect(stdout).toMatch(/^\| `naive` \| 120 × 70 \| .*\| shape error \|/m);
    expect(stdout).toContain('over [-3, 1] × [0, 2]');
    expect(stdout).toContain(
      '- `naive` on 120 × 70 raised, as JAX does: sub got incompatible shapes for broadcasting: (120,), (70,).',
    );
  });

  it('takes --n as the square shorthand and refuses a bad range with one line and exit code 2', async () => {
    const square = await cli(['run', '--n', '9', '--ny', '4', '--strategies', 'vmap', '--backend', 'js', '--json']);
    expect((JSON.parse(square.stdout) as ResultsDocument).records[0]).toMatchObject({ nx: 9, ny: 4, shape: [9, 4] });
    for (const [args, message] of [
      [
        ['--nx', '10', '--ny', '5', '--x-range', '1,-1'],
        /--x-range must run from a smaller number to a larger one, got '1,-1'/,
      ],
      [['--nx', '10', '--ny', '5', '--y-range', 'a,b'], /--y-range must be two numbers A,B/],
      [['--nx', '10'], /run needs --n, or --nx and --ny/],
    ] as const) {
      const { code, stderr } = await cli(['run', ...args, '--strategies', 'vmap']);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('traces and exports at nx × ny', async () => {
    const trace = await cli(['trace', '--nx', '300', '--ny', '200']);
    expect(trace.stdout).toContain('# TypeError: add got incompatible shapes for broadcasting: (300,), (200,).');
    expect(trace.stdout).toContain('{ lambda ; a:f32[300] b:f32[200]. let');
    const jax = await cli(['jax', '--strategy', 'vmap', ...GRID]);
    expect(jax.stdout).toContain('x = jnp.linspace(-3, 1, nx, dtype=dtype)');
    expect(jax.stdout).toContain('y = jnp.linspace(0, 2, ny, dtype=dtype)');
  });
});
