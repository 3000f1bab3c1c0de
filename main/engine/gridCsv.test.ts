import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFloat32, partialPathOf, removeStalePartials, writeGridCsv } from './gridCsv.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('formatFloat32', () => {
  it('writes the shortest text that reads back to the same float32', () => {
    for (const value of [0.1, -2, 1 / 3, 3.4028234663852886e38, 1.401298464324817e-45, 0.000123, 123456.789]) {
      const f = Math.fround(value);
      const text = formatFloat32(f);
      expect(Math.fround(Number(text))).toBe(f);
      expect(text.length).toBeLessThanOrEqual(String(f).length);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect([formatFloat32(NaN), formatFloat32(Infinity), formatFloat32(-Infinity), formatFloat32(-0)]).toEqual([
      'nan',
      'inf',
      '-inf',
      '-0',
    ]);
  });
});

describe('writeGridCsv', () => {
  it('writes x, y, f for every grid point with a header and CRLF rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vlab-grid-'));
    dirs.push(dir);
    const path = join(dir, 'grid.csv');
    const xs = [-1, 0, 1];
    const data = Float64Array.from({ length: 9 }, (_, k) => k / 2);
    const rows = await writeGridCsv(path, { dtype: 'float64', xs, ys: xs, data, offset: 0, strides: [3, 1] });
    expect(rows).toBe(9);
    const text = await readFile(path, 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('x,y,f');
    expect(lines[1]).toBe('-1,-1,0');
    expect(lines[6]).toBe('0,1,2.5');
    expect(lines[9]).toBe('1,1,4');
    expect(lines[10]).toBe('');
  });

  it('stops when cancelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vlab-grid-'));
    dirs.push(dir);
    const controller = new AbortController();
    controller.abort();
    const xs = [0, 1];
    await expect(
      writeGridCsv(
        join(dir, 'g.csv'),
        { dtype: 'float32', xs, ys: xs, data: new Float32Array(4), offset: 0, strides: [2, 1] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow(/cancelled/);
  });
});

describe('removeStalePartials', () => {
  it("removes this process's partial and dead processes' partials, and nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vlab-grid-'));
    dirs.push(dir);
    const target = join(dir, 'g.csv');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      own: `g.csv.partial-${process.pid}`,
      dead: `g.csv.partial-${deadPid}`,
      live: `g.csv.partial-${process.ppid}`,
      other: `h.csv.partial-${process.pid}`,
      odd: 'g.csv.partial-notapid',
      target: 'g.csv',
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
    expect(partialPathOf(target)).toBe(join(dir, names.own));
    expect((await removeStalePartials(target)).sort()).toEqual([names.own, names.dead].sort());
    expect((await readdir(dir)).sort()).toEqual([names.live, names.other, names.odd, names.target].sort());
  });

  it('is run by the next export, so a killed export leaves nothing behind once the file is written again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vlab-grid-'));
    dirs.push(dir);
    const target = join(dir, 'g.csv');
    await writeFile(partialPathOf(target), 'half a fi');
    const xs = [0, 1];
    await writeGridCsv(target, { dtype: 'float64', xs, ys: xs, data: new Float64Array(4), offset: 0, strides: [2, 1] });
    expect(await readdir(dir)).toEqual(['g.csv']);
  });
});
