import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../report/jsonExport.js';
import { parseCsv } from '../report/csv.js';
import { backendStatus, loadBackends } from '../backends/registry.js';
import { cli } from '../../test/cli.js';
import { numpyPython } from '../../scripts/venvPython.js';

const run = promisify(execFile);
const VLAB = new URL('../../bin/vlab.js', import.meta.url).pathname;

/** The binary as a user starts it: stdout and stderr are pipes, not a terminal. */
async function vlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [VLAB, ...args], {
      env: { ...process.env, VLAB_THREADS: '2' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'vlab-'));

let native = false;
beforeAll(async () => {
  await loadBackends();
  native = backendStatus('native').available;
});

describe('vlab help', () => {
  it.each([['help'], ['--help'], []])('vlab %j prints the commands on stdout and exits 0', async (...args) => {
    const { code, stdout, stderr } = await cli(args as string[]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: vlab COMMAND/m);
    for (const command of ['run', 'bench', 'sweep', 'devices', 'trace', 'jax'])
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(stderr).toBe('');
  });

  it.each(['run', 'bench', 'sweep', 'devices', 'trace', 'jax'])(
    'vlab %s --help, -h and vlab help COMMAND print its usage on stdout and exit 0',
    async (command) => {
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
        [command, '--n', 'ten', '--help'],
      ]) {
        const { code, stdout, stderr } = await cli(args);
        expect(code, args.join(' ')).toBe(0);
        expect(stdout).toContain(`usage:\n  vlab ${command}`);
        expect(stderr).toBe('');
      }
    },
  );

  it.each(['run', 'bench', 'sweep', 'devices', 'trace', 'jax'])(
    'vlab %s with an unknown option exits 2 with one line on stderr',
    async (command) => {
      const { code, stdout, stderr } = await cli([command, '--bogus']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^vlab: Unknown option '--bogus' \\(see vlab ${command} --help\\)\\n$`));
    },
  );
});

describe('vlab run: results on stdout, status and progress on stderr', () => {
  it('prints no progress when stderr is not a terminal, and a rewritten progress line when it is', async () => {
    const piped = await cli(['run', '--n', '50', '--strategies', 'vmap', '--repeats', '1']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^strategy\s+grid\s+backend/);
    expect(piped.stderr).toBe('');
    const terminal = await cli(['run', '--n', '50', '--strategies', 'vmap', '--repeats', '1'], { tty: true });
    expect(terminal.stderr).toContain('\r\x1b[Kvmap n=50: ');
    expect(terminal.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(terminal.stdout).not.toContain('\r');
  });

  it('--progress forces progress lines off a terminal, --quiet silences them and the status lines', async () => {
    const forced = await cli(['run', '--n', '50', '--strategies', 'vmap', '--repeats', '1', '--progress']);
    expect(forced.stderr).toMatch(/^vmap n=50: \w+ \d+%$/m);
    expect(forced.stderr).not.toContain('\r');
    const csv = join(tmp(), 'out.csv');
    const quiet = await cli(['run', '--n', '50', '--strategies', 'vmap', '--repeats', '1', '--quiet', '--csv', csv], {
      tty: true,
    });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const loud = await cli(['run', '--n', '50', '--strategies', 'vmap', '--repeats', '1', '--csv', csv]);
    expect(loud.stderr).toBe(`vlab: wrote ${csv}\n`);
    expect(loud.stdout).not.toContain('wrote');
  });

  it('--json and --json - print one JSON document on stdout: version, machine, records with their samples, the floor apart', async () => {
    for (const flag of [['--json'], ['--json', '-'], ['--json=-']]) {
      const { code, stdout, stderr } = await cli([
        'run',
        '--n',
        '40',
        '--strategies',
        'meshgrid,vmap',
        '--dtype',
        'float64',
        '--repeats',
        '3',
        '--backend',
        'js',
        ...flag,
      ]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      const doc = JSON.parse(stdout) as ResultsDocument;
      expect(doc).toMatchObject({ schema: 'vlab-results', schemaVersion: 1 });
      expect(doc.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(doc.machine.cores).toBeGreaterThan(0);
      expect(doc.command).toBe(
        `vlab run --n 40 --strategies meshgrid,vmap --dtype float64 --repeats 3 --backend js ${flag.join(' ')}`,
      );
      expect(doc.records.map((r) => r.strategy)).toEqual(['meshgrid', 'vmap']);
      for (const r of doc.records) {
        expect(r.samplesMs.length).toBe(r.repeats);
        expect(r.samplesMs.length).toBeGreaterThanOrEqual(3);
        expect(typeof r.iqrMs).toBe('number');
        expect(typeof r.stddevMs).toBe('number');
        expect(typeof r.noisy).toBe('boolean');
      }
      expect(doc.limits.every((r) => r.strategy === 'limit')).toBe(true);
    }
  });

  it('--json FILE, --markdown FILE and --csv - : files written and said so on stderr, CSV on stdout', async () => {
    const dir = tmp();
    const json = join(dir, 'r.json');
    const md = join(dir, 'r.md');
    const { code, stdout, stderr } = await cli([
      'run',
      '--n',
      '30',
      '--strategies',
      'naive,vmap',
      '--backend',
      'js',
      '--json',
      json,
      '--markdown',
      md,
      '--csv',
      '-',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe(`vlab: wrote ${json}\nvlab: wrote ${md}\n`);
    const [header, ...rows] = parseCsv(stdout);
    expect(header).toEqual(
      expect.arrayContaining(['median_ms', 'iqr_ms', 'stddev_ms', 'noisy', 'noisy_reason', 'cpu_model']),
    );
    expect(rows.filter((r) => r[0] === 'naive' || r[0] === 'vmap')).toHaveLength(2);
    for (const r of rows) expect(['true', 'false']).toContain(r[header!.indexOf('noisy')]);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as ResultsDocument;
    expect(doc.records.map((r) => r.strategy)).toEqual(['naive', 'vmap']);
    const table = readFileSync(md, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('|'));
    const cells = (line: string) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim());
    expect(cells(table[0]!)).toEqual(expect.arrayContaining(['Strategy', 'Median ± IQR [ms]', 'Relative', 'Noisy']));
    expect(cells(table[1]!).every((c) => /^:?-{3,}:?$/.test(c))).toBe(true);
    for (const line of table) expect(cells(line)).toHaveLength(cells(table[0]!).length);
    expect(table.slice(2).map((l) => cells(l)[0])).toEqual(expect.arrayContaining(['`naive`', '`vmap`']));
  });

  it('refuses two formats on stdout at once', async () => {
    const { code, stderr } = await cli(['run', '--n', '10', '--json', '-', '--csv', '-']);
    expect(code).toBe(2);
    expect(stderr).toBe('vlab: only one format can go to stdout, got --json - and --csv -\n');
  });

  it('marks noisy runs in the table and says why below it', async () => {
    // Sub-microsecond calls at n = 2 are mostly timer and scheduler noise: their spread is wide, or the
    // machine is busy, more often than not; whatever the verdict, the table and the note agree with the record.
    const { stdout } = await cli(['run', '--n', '2', '--strategies', 'vmap', '--backend', 'js', '--json']);
    const record = (JSON.parse(stdout) as ResultsDocument).records[0]!;
    expect(record.noisy).toBe(record.noisyReason !== undefined);
    const table = await cli(['run', '--n', '200', '--strategies', 'vmap', '--backend', 'js', '--repeats', '5']);
    const row = table.stdout.split('\n').find((l) => l.startsWith('vmap'))!;
    expect(row).toMatch(/ ms ± [\d.]+ ms/);
    const noisy = / noisy$/.test(row);
    expect(/^ {2}vmap: noisy: .*min…max/m.test(table.stdout)).toBe(noisy);
  });
});

describe('vlab run --npy', () => {
  const python = numpyPython();

  it.skipIf(python === null)('writes the grid as a .npy that NumPy loads to z[i, j] = f(x[i], y[j])', async () => {
    const path = join(tmp(), 'grid.npy');
    const { code, stderr } = await vlab(
      'run',
      '--n',
      '64',
      '--strategies',
      'naive,vmap',
      '--formula',
      'x - y / 2',
      '--dtype',
      'float64',
      '--npy',
      path,
    );
    expect(code).toBe(0);
    expect(stderr).toBe(`vlab: wrote ${path} (vmap, float64, shape (64, 64))\n`);
    const script =
      'import json, sys, numpy as np\nz = np.load(sys.argv[1])\nx = np.linspace(-2, 2, 64)\nprint(json.dumps([list(z.shape), str(z.dtype), float(np.max(np.abs(z - (x[:, None] - x[None, :] / 2))))]))';
    const [shape, dtype, maxErr] = JSON.parse(execFileSync(python!, ['-c', script, path]).toString()) as [
      number[],
      string,
      number,
    ];
    expect(shape).toEqual([64, 64]);
    expect(dtype).toBe('float64');
    expect(maxErr).toBeLessThan(1e-12);
  });

  it('refuses when no strategy computed the whole grid', async () => {
    const { code, stderr } = await cli(['run', '--n', '8', '--strategies', 'naive', '--npy', join(tmp(), 'g.npy')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--npy: no strategy here computed the whole 8 × 8 grid/);
  });
});

describe('vlab sweep', () => {
  it('runs every strategy at log-spaced sizes: 4 points × vmap, pmap is 8 records', async () => {
    const { code, stdout } = await cli([
      'sweep',
      '--from',
      '10',
      '--to',
      '1000',
      '--points',
      '4',
      '--strategies',
      'vmap,pmap',
      '--repeats',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as ResultsDocument;
    const strategies = native ? ['vmap', 'pmap'] : ['vmap'];
    expect(doc.records.map((r) => `${r.strategy}@${r.nx}`)).toEqual(
      [10, 46, 215, 1000].flatMap((n) => strategies.map((s) => `${s}@${n}`)),
    );
    if (!native) expect(doc.skipped.filter((s) => s.strategy === 'pmap')).toHaveLength(4);
  });

  it('keeps the sizes the memory guard refuses as rows, with their reason', async () => {
    const { code, stdout } = await cli([
      'sweep',
      '--from',
      '10',
      '--to',
      '200',
      '--points',
      '2',
      '--strategies',
      'meshgrid,vmap',
      '--repeats',
      '1',
      '--memory-cap',
      '100000',
      '--no-limit',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^meshgrid\s+200\s.*refused/m);
    expect(stdout).toMatch(/^vmap\s+200\s.*refused/m);
    expect(stdout).toMatch(/^ {2}meshgrid n=200: refused: meshgrid at n = 200 \(float32\) needs/m);
    const csv = await cli([
      'sweep',
      '--from',
      '10',
      '--to',
      '200',
      '--points',
      '2',
      '--strategies',
      'meshgrid',
      '--repeats',
      '1',
      '--memory-cap',
      '100000',
      '--no-limit',
      '--csv',
      '-',
    ]);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(rows.map((r) => `${r[0]}@${r[1]}`)).toEqual(['meshgrid@10', 'meshgrid@200']);
    expect(rows[1]![header!.indexOf('note')]).toMatch(/^refused by the memory guard/);
  });

  it('--ny holds ny while N sweeps nx: every format says nx and ny, and the domain', async () => {
    const args = [
      'sweep',
      '--from',
      '20',
      '--to',
      '80',
      '--points',
      '2',
      '--ny',
      '7',
      '--strategies',
      'meshgrid,vmap',
      '--repeats',
      '0',
      '--x-range',
      '-1,3',
      '--no-limit',
    ];
    const { code, stdout } = await cli([...args, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as ResultsDocument;
    expect(doc.records.map((r) => `${r.strategy}@${r.nx}×${r.ny}:${r.shape.join('x')}`)).toEqual([
      'meshgrid@20×7:20x7',
      'vmap@20×7:20x7',
      'meshgrid@80×7:80x7',
      'vmap@80×7:80x7',
    ]);
    for (const r of doc.records) expect(r.xRange).toEqual([-1, 3]);
    const [header, ...rows] = parseCsv((await cli([...args, '--csv', '-'])).stdout);
    expect(rows.map((r) => `${r[header!.indexOf('nx')]}×${r[header!.indexOf('ny')]}`)).toEqual([
      '20×7',
      '20×7',
      '80×7',
      '80×7',
    ]);
    const markdown = (await cli([...args, '--markdown', '-'])).stdout;
    expect(markdown).toMatch(/^\| `vmap` \| 80 × 7 \|/m);
    const table = (await cli(args)).stdout;
    expect(table).toMatch(/^vmap\s+80×7\s/m);
  });

  it('--aspect holds nx : ny, and a refused point keeps its ny in the table, the JSON and the CSV', async () => {
    // meshgrid at 200 × 50 (float32) needs (3·200·50 + 250)·4 = 121 000 bytes, over the cap.
    const args = [
      'sweep',
      '--from',
      '20',
      '--to',
      '200',
      '--points',
      '2',
      '--aspect',
      '4',
      '--strategies',
      'meshgrid',
      '--repeats',
      '0',
      '--memory-cap',
      '100000',
      '--no-limit',
    ];
    const table = await cli(args);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^meshgrid\s+20×5\s/m);
    expect(table.stdout).toMatch(/^meshgrid\s+200×50\s.*refused/m);
    expect(table.stdout).toMatch(/^ {2}meshgrid 200×50: refused: meshgrid at 200 × 50 \(float32\) needs/m);
    const doc = JSON.parse((await cli([...args, '--json'])).stdout) as ResultsDocument;
    expect(doc.records.map((r) => [r.nx, r.ny])).toEqual([[20, 5]]);
    expect(doc.refused).toMatchObject([{ strategy: 'meshgrid', nx: 200, ny: 50, neededBytes: 121_000 }]);
    const [header, ...rows] = parseCsv((await cli([...args, '--csv', '-'])).stdout);
    expect(rows.map((r) => `${r[header!.indexOf('nx')]}×${r[header!.indexOf('ny')]}`)).toEqual(['20×5', '200×50']);
  });

  it('refuses --ny with --aspect, and an aspect that is no number above 0', async () => {
    const base = ['sweep', '--from', '10', '--to', '20', '--points', '2'];
    expect((await cli([...base, '--ny', '5', '--aspect', '2'])).stderr).toBe(
      'vlab: sweep takes --ny (ny held) or --aspect (nx : ny held), not both\n',
    );
    for (const aspect of ['0', '-2', 'wide', '']) {
      const { code, stderr } = await cli([...base, '--aspect', aspect]);
      expect(code).toBe(2);
      expect(stderr).toBe(`vlab: --aspect must be a number above 0, got '${aspect}'\n`);
    }
    expect((await cli([...base, '--ny', '0'])).stderr).toBe("vlab: --ny must be an integer ≥ 1, got '0'\n");
  });

  it('needs its range and a sane number of points', async () => {
    expect((await cli(['sweep', '--from', '10'])).stderr).toBe(
      'vlab: sweep needs --from, --to and --points (see vlab sweep --help)\n',
    );
    const { code, stderr } = await cli(['sweep', '--from', '100', '--to', '10', '--points', '3']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vlab: the range must be integers with 1 ≤ from ≤ to, got 100\.\.10\n$/);
  });
});

describe('vlab run through bin/vlab.js', () => {
  it('leaves stderr empty when it is a pipe (vlab run --n 50 --strategies vmap 2>err.txt | cat)', async () => {
    const { code, stdout, stderr } = await vlab('run', '--n', '50', '--strategies', 'vmap');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^vmap\s+50\s/m);
    expect(stderr).toBe('');
  });

  it('vlab run --help exits 0 with its usage', async () => {
    const { code, stdout } = await vlab('run', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('usage:\n  vlab run (--n N | --nx N --ny M)');
  });

  it('prints a table and writes CSV with units in the header and the machine on every row', async () => {
    const csv = join(tmp(), 'out.csv');
    const { code, stdout, stderr } = await vlab(
      'run',
      '--n',
      '30',
      '--strategies',
      'naive,vmap',
      '--backend',
      'js',
      '--csv',
      csv,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/strategy\s+grid\s+backend/);
    expect(stdout).toMatch(/naive: shape \(30,\)/);
    expect(stderr).toBe(`vlab: wrote ${csv}\n`);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^strategy,n,nx,ny,x_min,x_max,y_min,y_max,dtype,backend,devices,shape,first_ms,median_ms,.*peak_bytes,predicted_bytes,max_abs_err,allclose/,
    );
    expect(lines[0]).toMatch(/cpu_model,cpu_cores,gpu_adapter,os,app_version$/);
    expect(lines.filter((l) => /^(naive|vmap),30,/.test(l))).toHaveLength(2);
  });

  it('prints JSON records with the contract’s field names', async () => {
    const { code, stdout } = await vlab(
      'run',
      '--n',
      '120',
      '--strategies',
      'meshgrid,vmap',
      '--dtype',
      'float64',
      '--repeats',
      '1',
      '--backend',
      'js',
      '--json',
    );
    expect(code).toBe(0);
    const records = (JSON.parse(stdout) as ResultsDocument).records;
    expect(records.map((r) => r.strategy)).toEqual(['meshgrid', 'vmap']);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'strategy',
          'nx',
          'ny',
          'dtype',
          'backend',
          'devices',
          'shape',
          'firstMs',
          'medianMs',
          'minMs',
          'maxMs',
          'samplesMs',
          'iqrMs',
          'stddevMs',
          'noisy',
          'peakBytes',
          'predictedBytes',
          'maxAbsErr',
        ]),
      );
      expect(r.shape).toEqual([120, 120]);
      expect(r.maxAbsErr).toBeLessThanOrEqual(1e-12);
    }
    expect(records[1]!.peakBytes! / records[0]!.peakBytes!).toBeLessThanOrEqual(0.45);
  });

  it.each([
    [['run'], /run needs --n/],
    [['run', '--n', 'ten'], /--n must be an integer/],
    [['run', '--n', '10', '--strategies', 'warp'], /unknown strategy 'warp'/],
    [['run', '--n', '10', '--dtype', 'float16'], /--dtype must be float32 or float64/],
    [['run', '--n', '10', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--n', '10', '--strategies', 'vmap', '--formula', 'cos(x'], /bad formula at column/],
    [
      ['run', '--n', '20000', '--strategies', 'meshgrid', '--memory-cap', '1000000'],
      /meshgrid at n = 20000 \(float32\) needs 4\.47 GiB but only .* use a smaller grid or a strategy without meshes \(vmap\)$/m,
    ],
    [
      ['run', '--n', '100000', '--strategies', 'vmap', '--dtype', 'float64'],
      /needs a single buffer of 74\.5 GiB.*use a smaller grid or float32$/m,
    ],
    [['fly'], /unknown command 'fly'/],
    [['trace', '--formula', 'cos('], /bad formula at column 5: the formula ends too early: expected a value$/m],
    [['trace', '--n', '0'], /--n must be an integer ≥ 1/],
    [['jax'], /jax needs --strategy/],
    [['jax', '--strategy', 'vmap,pmap'], /one strategy at a time/],
    [['jax', '--strategy', 'vmap', '--formula', 'x $ y'], /bad formula at column 3/],
  ])('vlab %j fails with one clear line and exit code 2', async (args, message) => {
    const { code, stderr } = await vlab(...(args as string[]));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('vlab devices', () => {
  it('lists at least the JavaScript device and says why a backend is missing', async () => {
    const { code, stdout } = await cli(['devices', '--json']);
    expect(code).toBe(0);
    const { devices, backends } = JSON.parse(stdout) as {
      devices: { id: string; kind: string; name: string }[];
      backends: { name: string; status: { available: boolean; reason?: string } }[];
    };
    expect(devices.find((d) => d.id === 'js:0')).toMatchObject({ kind: 'cpu' });
    for (const b of backends) if (!b.status.available) expect(b.status.reason).toBeTruthy();
  });
});

describe('vlab trace', () => {
  it('prints f as each strategy traces it, and with --lowered the fused kernel', async () => {
    const { code, stdout } = await cli(['trace', '--n', '7', '--formula', 'x*y + sin(x)', '--lowered']);
    expect(code).toBe(0);
    expect(stdout).toContain('# loops: f(x[i], y[j])');
    expect(stdout).toContain('{ lambda ; a:f32[7,7] b:f32[7,7]. let');
    expect(stdout).toMatch(
      /# vmap, pmap, gpu, jax-vmap, jax-pmap: [^\n]*\n[^\n]*\n\{ lambda ; a:f32\[7\] b:f32\[7\]\. let/,
    );
    expect(stdout).toContain('@compute @workgroup_size(64)');
    const { stdout: json } = await cli(['trace', '--n', '7', '--dtype', 'float64', '--json']);
    const view = JSON.parse(json) as {
      nx: number;
      ny: number;
      dtype: string;
      graphs: { strategies: string[]; jaxpr: string }[];
    };
    expect(view).toMatchObject({ nx: 7, ny: 7, dtype: 'float64' });
    expect(view.graphs.map((g) => g.strategies[0])).toEqual(['loops', 'naive', 'meshgrid', 'vmap']);
  });

  it('traces to a number with --reduce, as vlab run takes it, and refuses an output it does not know', async () => {
    const { code, stdout } = await cli(['trace', '--n', '7', '--reduce', 'max']);
    expect(code).toBe(0);
    expect(stdout).toContain('# vmap, pmap: jnp.max(');
    expect(stdout).toMatch(/l:f32\[\] = reduce_max\[axes=\(0, 1\)\] k\n\s+m:f64\[\] = argmax/);
    const { code: grid, stdout: gridOut } = await cli(['trace', '--n', '7']);
    expect(grid).toBe(0);
    expect(gridOut).not.toContain('reduce_max');
    const refused = await cli(['trace', '--n', '7', '--reduce', 'median']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--reduce must be one of grid, max, min, sum, mean, got 'median'/);
  });

  it('takes no domain options, and its help says why: the domain is not in a trace', async () => {
    for (const option of ['--x-range', '--y-range']) {
      const { code, stdout, stderr } = await cli(['trace', '--n', '7', option, '-3,1']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`vlab: Unknown option '${option}' (see vlab trace --help)\n`);
    }
    const help = (await cli(['trace', '--help'])).stdout;
    expect(help).toContain('A trace does not depend on the domain');
    expect(help).not.toMatch(/^ {2}--x-range/m);
  });
});

describe('vlab jax', () => {
  it('writes the experiment as a JAX program for the asked strategy, n and formula', async () => {
    const out = join(tmp(), 'grid.py');
    const { code, stderr } = await cli([
      'jax',
      '--strategy',
      'vmap',
      '--n',
      '64',
      '--formula',
      'x*exp(-x^2 - y^2)',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(`wrote ${out}`);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('jax.vmap');
    expect(text).toContain('x * jnp.exp(');
    expect(text).toMatch(/else 64\b/);
  });
});
