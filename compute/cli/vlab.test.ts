import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../strategies/types.js';

const run = promisify(execFile);
const VLAB = new URL('../../bin/vlab.js', import.meta.url).pathname;

async function vlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [VLAB, ...args], { env: { ...process.env, VLAB_THREADS: '2' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('vlab run', () => {
  it('prints JSON records with the contract’s field names', async () => {
    const { code, stdout } = await vlab('run', '--n', '120', '--strategies', 'meshgrid,vmap', '--dtype', 'float64', '--repeats', '1', '--backend', 'js', '--json');
    expect(code).toBe(0);
    const records = (JSON.parse(stdout) as RunRecord[]).filter((r) => r.strategy !== 'limit');
    expect(records.map((r) => r.strategy)).toEqual(['meshgrid', 'vmap']);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(['strategy', 'n', 'dtype', 'backend', 'devices', 'shape', 'firstMs', 'medianMs', 'minMs', 'maxMs', 'peakBytes', 'predictedBytes', 'maxAbsErr']),
      );
      expect(r.shape).toEqual([120, 120]);
      expect(r.maxAbsErr).toBeLessThanOrEqual(1e-12);
    }
    expect(records[1]!.peakBytes! / records[0]!.peakBytes!).toBeLessThanOrEqual(0.45);
  });

  it('prints a table and writes CSV with units in the header and the machine on every row', async () => {
    const csv = join(mkdtempSync(join(tmpdir(), 'vlab-')), 'out.csv');
    const { code, stdout } = await vlab('run', '--n', '30', '--strategies', 'naive,vmap', '--backend', 'js', '--csv', csv);
    expect(code).toBe(0);
    expect(stdout).toMatch(/strategy\s+n\s+backend/);
    expect(stdout).toMatch(/naive: shape \(30,\)/);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^strategy,n,dtype,backend,devices,shape,first_ms,median_ms,.*peak_bytes,predicted_bytes,max_abs_err,allclose/);
    expect(lines[0]).toMatch(/cpu_model,cpu_cores,gpu_adapter,os,app_version$/);
    expect(lines.filter((l) => /^(naive|vmap),30,/.test(l))).toHaveLength(2);
  });

  it.each([
    [['run'], /run needs --n/],
    [['run', '--n', 'ten'], /--n must be an integer/],
    [['run', '--n', '10', '--strategies', 'warp'], /unknown strategy 'warp'/],
    [['run', '--n', '10', '--dtype', 'float16'], /--dtype must be float32 or float64/],
    [['run', '--n', '10', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--n', '10', '--strategies', 'vmap', '--formula', 'cos(x'], /bad formula at column/],
    [['run', '--n', '20000', '--strategies', 'meshgrid', '--memory-cap', '1000000'], /meshgrid at n = 20000 \(float32\) needs 4\.47 GiB but only .* use a smaller n or a strategy without meshes \(vmap\)$/m],
    [['run', '--n', '100000', '--strategies', 'vmap', '--dtype', 'float64'], /needs a single buffer of 74\.5 GiB.*use a smaller n or float32$/m],
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
    const { code, stdout } = await vlab('devices', '--json');
    expect(code).toBe(0);
    const { devices, backends } = JSON.parse(stdout) as { devices: { id: string; kind: string; name: string }[]; backends: { name: string; status: { available: boolean; reason?: string } }[] };
    expect(devices.find((d) => d.id === 'js:0')).toMatchObject({ kind: 'cpu' });
    for (const b of backends) if (!b.status.available) expect(b.status.reason).toBeTruthy();
  });
});

describe('vlab trace', () => {
  it('prints f as each strategy traces it, and with --lowered the fused kernel', async () => {
    const { code, stdout } = await vlab('trace', '--n', '7', '--formula', 'x*y + sin(x)', '--lowered');
    expect(code).toBe(0);
    expect(stdout).toContain('# loops: f(x[i], y[j])');
    expect(stdout).toContain('{ lambda ; a:f32[7,7] b:f32[7,7]. let');
    expect(stdout).toMatch(/# vmap, pmap, gpu, jax-vmap, jax-pmap: [^\n]*\n[^\n]*\n\{ lambda ; a:f32\[7\] b:f32\[7\]\. let/);
    expect(stdout).toContain('@compute @workgroup_size(64)');
    const { stdout: json } = await vlab('trace', '--n', '7', '--dtype', 'float64', '--json');
    const view = JSON.parse(json) as { n: number; dtype: string; graphs: { strategies: string[]; jaxpr: string }[] };
    expect(view).toMatchObject({ n: 7, dtype: 'float64' });
    expect(view.graphs.map((g) => g.strategies[0])).toEqual(['loops', 'naive', 'meshgrid', 'vmap']);
  });
});

describe('vlab jax', () => {
  it('writes the experiment as a JAX program for the asked strategy, n and formula', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vlab-')), 'grid.py');
    const { code, stderr } = await vlab('jax', '--strategy', 'vmap', '--n', '64', '--formula', 'x*exp(-x^2 - y^2)', '--out', out);
    expect(code).toBe(0);
    expect(stderr).toContain(`wrote ${out}`);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('jax.vmap');
    expect(text).toContain('x * jnp.exp(');
    expect(text).toMatch(/else 64\b/);
  });
});
