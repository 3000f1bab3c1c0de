// `vlab machine` and `vlab run --roofline` / `--isa`: the profile's shape,
// kept in the data folder, and every record placed on it. Small grids only:
// these pin fields and the bytes model, never speed.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendStatus, loadBackends } from '../../backends/registry.js';
import { profilePath, useMachineProfile } from '../../machine/store.js';
import type { MachineProfile } from '../../machine/types.js';
import type { ResultsDocument } from '../../report/jsonExport.js';
import { cli } from '../../../test/cli.js';
import { nativeIsas, parseIsas } from './run.js';

await loadBackends();
const native = backendStatus('native').available;
const savedDataDir = process.env.VLAB_DATA_DIR;

beforeAll(() => {
  process.env.VLAB_DATA_DIR = mkdtempSync(join(tmpdir(), 'vlab-cli-machine-'));
});
afterAll(() => {
  if (savedDataDir === undefined) delete process.env.VLAB_DATA_DIR;
  else process.env.VLAB_DATA_DIR = savedDataDir;
  useMachineProfile(null);
});

describe('--isa', () => {
  it('takes the ISA copies this CPU runs, and names them when given another', () => {
    expect(parseIsas(undefined, ['generic', 'avx2'])).toBeUndefined();
    expect(parseIsas('avx2, generic,avx2', ['generic', 'avx2'])).toEqual(['avx2', 'generic']);
    expect(() => parseIsas('avx512', ['generic', 'avx2'])).toThrow(/--isa avx512: this CPU runs generic, avx2/);
    expect(() => parseIsas(',', ['generic'])).toThrow(/one or more ISA names/);
  });
});

describe.skipIf(!native)('vlab machine', () => {
  it('measures once, keeps it, and prints caches, bandwidth per level, peak per ISA and cos per ns as JSON', async () => {
    const first = await cli(['machine', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const profile = JSON.parse(first.stdout) as MachineProfile;
    expect(Object.keys(profile.bandwidth)).toEqual(['L1', 'L2', 'L3', 'DRAM']);
    for (const level of Object.values(profile.bandwidth))
      expect(Object.keys(level)).toEqual(expect.arrayContaining(['readGBps', 'writeGBps']));
    const widest = profile.isas.at(-1)!;
    expect(Object.keys(profile.peakGflops[widest]!.float32)).toEqual(['oneThread', 'allThreads']);
    expect(profile.transcendentalsPerNs.float64).toBeGreaterThan(0);
    expect(profile.caches.source).toBeTruthy();
    const again = await cli(['machine', '--json']);
    expect(JSON.parse(again.stdout)).toEqual(profile);
    const table = await cli(['machine']);
    expect(table.stdout).toMatch(/^DRAM .* \(streaming stores\)$/m);
  }, 60_000);

  it('says which levels a kept profile has out of order L1 > L2 > L3 > DRAM', async () => {
    await cli(['machine']);
    const path = await profilePath();
    const kept = JSON.parse(readFileSync(path, 'utf8')) as MachineProfile;
    const level = (readGBps: number, writeGBps: number) => ({ bytes: 1, readGBps, writeGBps, writeKind: 'stores' });
    const keep = (L1: ReturnType<typeof level>) =>
      writeFileSync(
        path,
        JSON.stringify({ ...kept, bandwidth: { L1, L2: level(90, 30), L3: level(40, 20), DRAM: level(20, 15) } }),
      );
    keep(level(140, 42));
    expect((await cli(['machine'])).stdout).not.toContain('not ordered');
    keep(level(90, 42));
    expect((await cli(['machine'])).stdout).toContain(
      "not ordered L1 > L2 > L3 > DRAM: L1 reads 90.0 GB/s, no faster than L2's 90.0 GB/s",
    );
    writeFileSync(path, JSON.stringify(kept));
  }, 60_000);

  it('places every run on the roofline: bytes moved, ops per point, GB/s and the bound, meshgrid at 3× vmap or more', async () => {
    const { code, stdout, stderr } = await cli([
      'run',
      '--n',
      '200',
      '--strategies',
      'meshgrid,meshgrid-eager,vmap,pmap',
      '--repeats',
      '1',
      '--roofline',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const doc = JSON.parse(stdout) as ResultsDocument;
    const records = doc.records.filter((r) => r.strategy !== 'limit');
    expect(records.map((r) => r.strategy)).toEqual(['meshgrid', 'meshgrid-eager', 'vmap', 'pmap']);
    for (const r of doc.records) {
      expect(r.bytesMoved).toBeGreaterThan(0);
      expect(r.achievedGBps).toBeGreaterThan(0);
      expect(r.bound).toBeTruthy();
      expect(r.note).toMatch(/a model of the plan/);
    }
    for (const r of records) expect(r.opsPerPoint).toBeGreaterThan(0);
    const bytes = (s: string) => records.find((r) => r.strategy === s)!.bytesMoved!;
    expect(bytes('meshgrid')).toBeGreaterThanOrEqual(3 * bytes('vmap'));
    expect(bytes('meshgrid-eager')).toBeGreaterThan(bytes('meshgrid'));
    const vmap = records.find((r) => r.strategy === 'vmap')!;
    expect(vmap.isa).toBe(nativeIsas().at(-1));
    expect(vmap.lanes).toBeGreaterThanOrEqual(4);
    const table = await cli(['run', '--n', '50', '--strategies', 'vmap', '--repeats', '1', '--roofline']);
    expect(table.stdout).toMatch(/^roofline \(bytes moved are a model/m);
  }, 60_000);

  it('runs vmap once per ISA, scalar to the widest, each record with its isa and lanes', async () => {
    const isas = nativeIsas();
    expect(isas[0]).toBe('scalar');
    const ok = await cli([
      'run',
      '--n',
      '40',
      '--strategies',
      'vmap',
      '--repeats',
      '1',
      '--isa',
      isas.join(','),
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const records = (JSON.parse(ok.stdout) as ResultsDocument).records;
    expect(records.map((r) => r.isa)).toEqual(isas);
    expect(records[0]!.lanes).toBe(1);
    expect(records.at(-1)!.lanes).toBeGreaterThanOrEqual(records[0]!.lanes!);
  });
});
