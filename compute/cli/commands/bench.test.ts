// `vlab bench` on square sizes and on one nx × ny grid: rows, refusals and
// ratios against yardsticks on the same grid. Small sizes only: these pin
// shapes, fields and refusals, never speed.

import { describe, expect, it } from 'vitest';
import { backendStatus, loadBackends } from '../../backends/registry.js';
import { parseCsv } from '../../report/csv.js';
import type { ResultsDocument } from '../../report/jsonExport.js';
import { cpuDevices } from '../../transforms/pmap.js';
import { cli } from '../../../test/cli.js';
import { parseBenchGrids } from './bench.js';

await loadBackends();
const native = backendStatus('native').available;

describe('vlab bench', () => {
  it('keeps the sizes it measured when another is refused: the n = 10 row and a refused row for n = 1000000', async () => {
    const { code, stdout, stderr } = await cli([
      'bench',
      '--sizes',
      '10,1000000',
      '--strategies',
      'vmap',
      '--repeats',
      '1',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^vmap\s+10\s+\w+\s+1\s+\(10, 10\)\s+[\d.]+ ms\s+[\d.]+ ms ± /m);
    expect(stdout).toMatch(/^vmap\s+1000000\s.*\(1000000, 1000000\)\s+refused\s+7\.28 TiB$/m);
    expect(stdout).toMatch(/^ {2}vmap n=1000000: refused: vmap at n = 1000000 \(float64\) needs/m);
    expect(stdout).toContain('n = 10 (float64):');
    expect(stdout).not.toContain('n = 1000000 (float64):');
    expect(stderr).toBe('');
  });

  it('puts the refused run in the JSON document beside the records, and the ratios on stderr', async () => {
    const { stdout, stderr } = await cli([
      'bench',
      '--sizes',
      '10,1000000',
      '--strategies',
      'vmap',
      '--repeats',
      '1',
      '--json',
    ]);
    const doc = JSON.parse(stdout) as ResultsDocument;
    expect(doc.records.map((r) => r.nx)).toEqual([10]);
    expect(doc.refused).toMatchObject([{ strategy: 'vmap', nx: 1_000_000 }]);
    expect(doc.refused[0]!.neededBytes).toBe(1e12 * 8);
    expect(stderr).toContain('n = 10 (float64):');
  });
});

describe('vlab bench --threads', () => {
  it('prints pmap, the kernel and the floor as speed-ups over 1 thread, goes past the pool with devices sharing cores, and fits Amdahl', async () => {
    if (!native) {
      const refused = await cli(['bench', '--sizes', '50', '--strategies', 'vmap', '--threads', '2']);
      expect(refused.code).toBe(2);
      return;
    }
    const pool = cpuDevices().length;
    const ok = await cli([
      'bench',
      '--sizes',
      '64',
      '--strategies',
      'pmap',
      '--repeats',
      '1',
      '--threads',
      String(pool),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/thread scaling, n = 64/);
    expect(ok.stdout).toMatch(new RegExp(`\\n  ${pool} +.*×.*×.*×.*${pool}\\.00×`));
    const past = await cli([
      'bench',
      '--sizes',
      '64',
      '--strategies',
      'pmap',
      '--repeats',
      '1',
      '--threads',
      `${pool},${pool * 2}`,
    ]);
    expect(past.code, past.stderr).toBe(0);
    expect(past.stdout).toMatch(new RegExp(`\\n  ${pool * 2} +.*devices share the cores`));
    if (pool > 1) expect(past.stdout).toMatch(/Amdahl's law fitted to pmap: serial fraction/);
    const tooMany = await cli(['bench', '--sizes', '64', '--strategies', 'pmap', '--threads', String(pool * 8 + 1)]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(new RegExp(`on the native pool's ${pool} threads`));
  });
});

describe('vlab bench --nx --ny', () => {
  const GRID = ['--nx', '40', '--ny', '24', '--x-range', '-3,1', '--y-range', '0,2'];

  it('reads --sizes as square grids and --nx, --ny as one grid over --x-range × --y-range', () => {
    expect(parseBenchGrids({})).toEqual([80, 1000, 4000].map((n) => ({ nx: n, ny: n })));
    expect(parseBenchGrids({ n: '6000' })).toEqual([{ nx: 6000, ny: 6000 }]);
    expect(parseBenchGrids({ sizes: '5,7', 'x-range': '0,1' })).toEqual([
      { nx: 5, ny: 5, xRange: [0, 1] },
      { nx: 7, ny: 7, xRange: [0, 1] },
    ]);
    expect(parseBenchGrids({ nx: '40', ny: '24', 'x-range': '-3,1', 'y-range': '0,2' })).toEqual([
      { nx: 40, ny: 24, xRange: [-3, 1], yRange: [0, 2] },
    ]);
  });

  it('times every strategy on the nx × ny grid and its domain, the floor and the yardsticks on the same grid', async () => {
    const { code, stdout, stderr } = await cli([
      'bench',
      ...GRID,
      '--strategies',
      'vmap,meshgrid',
      '--repeats',
      '1',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const doc = JSON.parse(stdout) as ResultsDocument;
    expect(doc.records.map((r) => r.strategy)).toEqual(['vmap', 'meshgrid']);
    for (const r of [...doc.records, ...doc.limits])
      expect(r).toMatchObject({ nx: 40, ny: 24, shape: [40, 24], xRange: [-3, 1], yRange: [0, 2] });
    for (const r of doc.records) expect(r.allclose).toBe(true);
    // The ratios go to stderr when the JSON owns stdout, headed by the grid.
    expect(stderr).toContain('\n40 × 24 (float64):\n  hand-written JS double loop (Math.cos, Float64Array): ');
    expect(stderr).toMatch(/^ {2}vmap peak \/ meshgrid peak: \d+%/m);
    if (native) expect(stderr).toMatch(/^ {2}vmap \(native, 1 device\) \/ hand-written C\+\+ loop \(1 thread\): /m);
    expect(stderr).not.toContain('n = 40');
  });

  it('prints the grid as nx×ny in the table and the domain below it', async () => {
    const { code, stdout } = await cli(['bench', ...GRID, '--strategies', 'vmap', '--backend', 'js', '--repeats', '1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^vmap\s+40×24\s+js\s+1\s+\(40, 24\)\s/m);
    expect(stdout).toContain('  domain: x in [-3, 1], y in [0, 2]');
    expect(stdout).toContain('40 × 24 (float64):');
  });

  it('skips loops past --loops-max² points, naming the grid', async () => {
    const { code, stdout, stderr } = await cli([
      'bench',
      '--nx',
      '30',
      '--ny',
      '20',
      '--strategies',
      'loops,vmap',
      '--loops-max',
      '24',
      '--repeats',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^vlab: 30×20: skipping loops above --loops-max 24 \(it would take minutes\)$/m);
    expect((JSON.parse(stdout) as ResultsDocument).records.map((r) => r.strategy)).toEqual(['vmap']);
    const within = await cli([
      'bench',
      '--nx',
      '30',
      '--ny',
      '20',
      '--strategies',
      'loops',
      '--loops-max',
      '25',
      '--repeats',
      '1',
      '--json',
    ]);
    expect((JSON.parse(within.stdout) as ResultsDocument).records.map((r) => r.strategy)).toEqual(['loops']);
  });

  it('keeps a refused nx × ny grid as a row with its shape, in the table, the JSON, the CSV and the Markdown', async () => {
    const args = ['bench', '--nx', '1000000', '--ny', '500000', '--strategies', 'vmap', '--repeats', '1'];
    const table = await cli(args);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^vmap\s+1000000×500000\s.*\(1000000, 500000\)\s+refused\s+3\.64 TiB$/m);
    expect(table.stdout).toMatch(/^ {2}vmap: refused: /m);
    const doc = JSON.parse((await cli([...args, '--json'])).stdout) as ResultsDocument;
    expect(doc.records).toEqual([]);
    expect(doc.refused).toMatchObject([{ strategy: 'vmap', nx: 1_000_000, ny: 500_000, neededBytes: 5e11 * 8 }]);
    const [header, row] = parseCsv((await cli([...args, '--csv', '-'])).stdout);
    const cell = (name: string) => row![header!.indexOf(name)];
    expect([cell('n'), cell('nx'), cell('ny'), cell('shape')]).toEqual([
      '1000000',
      '1000000',
      '500000',
      '1000000x500000',
    ]);
    const markdown = (await cli([...args, '--markdown', '-'])).stdout;
    expect(markdown).toMatch(/^\| `vmap` \| 1000000 × 500000 \| .*\| refused \|/m);
    expect(markdown).toContain('- `vmap` on 1000000 × 500000 was refused: ');
  });

  it.each([
    [
      ['--sizes', '10', '--nx', '10', '--ny', '5'],
      'vlab: bench takes --sizes (square grids), --n (one square grid) or --nx and --ny (one grid), not two\n',
    ],
    [
      ['--n', '10', '--sizes', '5'],
      'vlab: bench takes --sizes (square grids), --n (one square grid) or --nx and --ny (one grid), not two\n',
    ],
    [['--n', '0'], "vlab: --n must be an integer ≥ 1, got '0'\n"],
    [['--nx', '10'], 'vlab: bench needs both --nx and --ny for an nx × ny grid (or --sizes for square ones)\n'],
    [['--nx', '10', '--ny', '0'], "vlab: --ny must be an integer ≥ 1, got '0'\n"],
    [
      ['--nx', '10', '--ny', '5', '--y-range', '2,0'],
      "vlab: --y-range must run from a smaller number to a larger one, got '2,0'\n",
    ],
  ])('vlab bench %j is refused with one line and exit code 2', async (args, line) => {
    const { code, stdout, stderr } = await cli(['bench', ...args, '--strategies', 'vmap']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(line);
  });

  it('runs --threads on the nx × ny grid: pmap, the kernel and the floor on it', async () => {
    if (!native) {
      const refused = await cli(['bench', '--nx', '48', '--ny', '20', '--strategies', 'vmap', '--threads', '2']);
      expect(refused.code).toBe(2);
      return;
    }
    const pool = cpuDevices().length;
    const ok = await cli([
      'bench',
      '--nx',
      '48',
      '--ny',
      '20',
      '--strategies',
      'pmap',
      '--repeats',
      '1',
      '--threads',
      String(pool),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^pmap\s+48×20\s.*\(48, 20\)/m);
    expect(ok.stdout).toContain('\nthread scaling, 48 × 20 (float64): speed-up over 1 thread');
    expect(ok.stdout).toMatch(new RegExp(`\\n  ${pool} +.*×.*×.*×.*${pool}\\.00×`));
  });
});
