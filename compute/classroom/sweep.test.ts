import { describe, expect, it } from 'vitest';
import { parseCsv } from '../report/csv.js';
import { machineInfo } from '../report/machine.js';
import { strategyAvailability } from '../strategies/run.js';
import { runSweep, sweepRecords } from './sweep.js';
import { sweepToCsv } from './sweepCsv.js';
import { sweepGrids, sweepSizes, SweepRequestError, type SweepProgress } from './sweepPlan.js';

describe('sweep sizes', () => {
  it('are log-spaced integers from the first to the last, both included', () => {
    expect(sweepSizes(10, 2000, 5)).toEqual([10, 38, 141, 532, 2000]);
    expect(sweepSizes(10, 1000, 3)).toEqual([10, 100, 1000]);
  });

  it('drop sizes that round to the same integer', () => {
    const sizes = sweepSizes(1, 5, 20);
    expect(sizes).toEqual([...new Set(sizes)]);
    expect(sizes[0]).toBe(1);
    expect(sizes.at(-1)).toBe(5);
  });

  it('refuse a backwards range or a silly number of points, saying what they got', () => {
    expect(() => sweepSizes(100, 10, 4)).toThrow(SweepRequestError);
    expect(() => sweepSizes(10, 100, 0)).toThrow(/points must be/);
    expect(() => sweepSizes(0, 100, 4)).toThrow(/got 0\.\.100/);
  });
});

describe('sweep grids', () => {
  it('are square by default, hold ny while nx is swept, or keep nx : ny at the aspect asked', () => {
    expect(sweepGrids({ nMin: 10, nMax: 1000, points: 3 })).toEqual([
      { nx: 10, ny: 10 },
      { nx: 100, ny: 100 },
      { nx: 1000, ny: 1000 },
    ]);
    expect(sweepGrids({ nMin: 10, nMax: 1000, points: 3, ny: 50 })).toEqual([
      { nx: 10, ny: 50 },
      { nx: 100, ny: 50 },
      { nx: 1000, ny: 50 },
    ]);
    expect(sweepGrids({ nMin: 500, nMax: 2000, points: 2, aspect: 4 })).toEqual([
      { nx: 500, ny: 125 },
      { nx: 2000, ny: 500 },
    ]);
    // ny is rounded and never 0; an aspect below 1 makes ny the longer side.
    expect(sweepGrids({ nMin: 2, nMax: 10, points: 2, aspect: 3 })).toEqual([
      { nx: 2, ny: 1 },
      { nx: 10, ny: 3 },
    ]);
    expect(sweepGrids({ nMin: 10, nMax: 10, points: 1, aspect: 0.5 })).toEqual([{ nx: 10, ny: 20 }]);
  });

  it('refuse ny with aspect, a bad ny or aspect, and an aspect that makes ny longer than the engine takes, with the numbers', () => {
    expect(() => sweepGrids({ nMin: 10, nMax: 100, points: 2, ny: 5, aspect: 2 })).toThrow(
      'give ny (held while nx is swept) or aspect (nx : ny held), not both; got ny = 5 and aspect = 2',
    );
    expect(() => sweepGrids({ nMin: 10, nMax: 100, points: 2, ny: 0 })).toThrow(
      'ny must be an integer from 1 to 1000000, got 0',
    );
    expect(() => sweepGrids({ nMin: 10, nMax: 100, points: 2, aspect: 0 })).toThrow(
      'aspect (nx : ny) must be a number above 0, got 0',
    );
    expect(() => sweepGrids({ nMin: 10, nMax: 100, points: 2, aspect: Number.NaN })).toThrow(SweepRequestError);
    expect(() => sweepGrids({ nMin: 10, nMax: 100_000, points: 2, aspect: 0.01 })).toThrow(
      "aspect 0.01 makes ny = 10000000 at nx = 100000, over the engine's largest side 1000000; use an aspect of at least 0.1",
    );
  });
});

describe('a sweep', () => {
  it('measures every strategy at every size, with progress that only grows and ends at 1', async () => {
    const progress: SweepProgress[] = [];
    const result = await runSweep(
      { nMin: 4, nMax: 24, points: 3, strategies: ['loops', 'naive', 'meshgrid', 'vmap'], repeats: 1 },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.cancelled).toBe(false);
    expect(result.sizes).toEqual([4, 10, 24]);
    for (const strategy of result.strategies) {
      expect(result.entries.filter((e) => e.kind === 'record' && e.strategy === strategy).map((e) => e.nx)).toEqual(
        result.sizes,
      );
    }
    const records = sweepRecords(result);
    expect(records.filter((r) => r.strategy !== 'limit' && r.strategy !== 'naive').every((r) => r.allclose)).toBe(true);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]! - 1e-12)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  });

  it('marks where a strategy stops fitting in memory, with the bytes it needed, and goes on with the others', async () => {
    // meshgrid at n = 40 (float32) needs (3·40² + 2·40)·4 = 19 520 bytes; vmap needs 6 720.
    const result = await runSweep({
      nMin: 10,
      nMax: 40,
      points: 2,
      strategies: ['meshgrid', 'vmap'],
      repeats: 0,
      memoryCapBytes: 10_000,
      limit: false,
    });
    expect(result.firstRefused).toEqual({ meshgrid: 40 });
    const refused = result.entries.find((e) => e.kind === 'refused');
    expect(refused).toMatchObject({ strategy: 'meshgrid', nx: 40, neededBytes: 19_520, availableBytes: 10_000 });
    expect(result.entries.some((e) => e.kind === 'record' && e.strategy === 'vmap' && e.nx === 40)).toBe(true);

    const rows = parseCsv(sweepToCsv(result, machineInfo()));
    const header = rows[0]!;
    const refusedRow = rows.find((r) => r[header.indexOf('note')]!.startsWith('refused by the memory guard'))!;
    expect(refusedRow[header.indexOf('strategy')]).toBe('meshgrid');
    expect(refusedRow[header.indexOf('predicted_bytes')]).toBe('19520');
    expect(refusedRow[header.indexOf('median_ms')]).toBe('nan');
    expect(rows.length).toBe(1 + 4);
  });

  it('times no floor at a size whose n² outputs cannot fit, and keeps that size as a refused row', async () => {
    const result = await runSweep({
      nMin: 10,
      nMax: 1_000_000,
      points: 2,
      strategies: ['vmap'],
      repeats: 1,
      memoryCapBytes: 10_000_000,
    });
    expect(result.entries.filter((e) => e.nx === 1_000_000).map((e) => `${e.kind}:${e.strategy}`)).toEqual([
      'refused:vmap',
    ]);
    expect(result.entries.some((e) => e.kind === 'record' && e.strategy === 'vmap' && e.nx === 10)).toBe(true);
    expect(result.cancelled).toBe(false);
  });

  it('predicts a point from the calls’ time, not the fixed setup of a small grid', async () => {
    // At n = 10 compiling and checking take milliseconds while a call takes microseconds: scaling the
    // whole point by n² would call n = 1000 minutes long and skip it; scaling the calls keeps it.
    const result = await runSweep({
      nMin: 10,
      nMax: 1000,
      points: 2,
      strategies: ['vmap'],
      repeats: 1,
      limit: false,
      pointBudgetMs: 60_000,
    });
    expect(result.entries.map((e) => `${e.kind}@${e.nx}`)).toEqual(['record@10', 'record@1000']);
  });

  it('skips the sizes a slow strategy would take too long for, and says why', async () => {
    const result = await runSweep({
      nMin: 4,
      nMax: 16,
      points: 3,
      strategies: ['loops'],
      repeats: 0,
      pointBudgetMs: 1e-6,
      limit: false,
    });
    expect(result.entries[0]).toMatchObject({ kind: 'record', nx: 4 });
    expect(result.entries.slice(1).every((e) => e.kind === 'skipped' && /time grows as n²/.test(e.reason))).toBe(true);
  });

  it('stops at the signal and keeps what it measured', async () => {
    const controller = new AbortController();
    const result = await runSweep(
      { nMin: 4, nMax: 64, points: 4, strategies: ['naive', 'vmap'], repeats: 0, limit: false },
      { signal: controller.signal, onEntry: () => controller.abort() },
    );
    expect(result.cancelled).toBe(true);
    expect(result.entries).toHaveLength(1);
  });
});

describe('a rectangular sweep', () => {
  it('runs every strategy and the floor on each nx × ny grid, over the domain asked, and says which grid each point was', async () => {
    const progress: SweepProgress[] = [];
    const result = await runSweep(
      {
        nMin: 8,
        nMax: 32,
        points: 2,
        ny: 5,
        strategies: ['naive', 'meshgrid', 'vmap'],
        repeats: 0,
        xRange: [-1, 3],
        yRange: [0, 0.5],
      },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.sizes).toEqual([8, 32]);
    expect(result.grids).toEqual([
      { nx: 8, ny: 5 },
      { nx: 32, ny: 5 },
    ]);
    for (const strategy of ['limit', 'meshgrid', 'vmap']) {
      const records = sweepRecords(result).filter((r) => r.strategy === strategy);
      expect(records.map((r) => [r.nx, r.ny, r.shape])).toEqual([
        [8, 5, [8, 5]],
        [32, 5, [32, 5]],
      ]);
      for (const r of records)
        expect([r.xRange, r.yRange]).toEqual([
          [-1, 3],
          [0, 0.5],
        ]);
    }
    // naive on nx ≠ ny is JAX's shape error, a record of it, on the same grid.
    expect(
      sweepRecords(result)
        .filter((r) => r.strategy === 'naive')
        .map((r) => [r.nx, r.ny]),
    ).toEqual([
      [8, 5],
      [32, 5],
    ]);
    expect(new Set(progress.map((p) => `${p.nx}×${p.ny}`))).toEqual(new Set(['8×5', '32×5']));
  });

  it('keeps a refused nx × ny point as a row with its ny, in the entries and the CSV', async () => {
    // meshgrid at 40 × 10 (float32) needs (3·40·10 + 40 + 10)·4 = 5 000 bytes; at 10 × 3, 440.
    const result = await runSweep({
      nMin: 10,
      nMax: 40,
      points: 2,
      aspect: 4,
      strategies: ['meshgrid'],
      repeats: 0,
      memoryCapBytes: 4_000,
      limit: false,
    });
    expect(result.grids).toEqual([
      { nx: 10, ny: 3 },
      { nx: 40, ny: 10 },
    ]);
    expect(result.entries.map((e) => e.kind)).toEqual(['record', 'refused']);
    expect(result.entries[1]).toMatchObject({
      kind: 'refused',
      strategy: 'meshgrid',
      nx: 40,
      ny: 10,
      availableBytes: 4_000,
    });
    const rows = parseCsv(sweepToCsv(result, machineInfo()));
    const header = rows[0]!;
    const cells = rows
      .slice(1)
      .map((r) => [r[header.indexOf('nx')], r[header.indexOf('ny')], r[header.indexOf('shape')]]);
    expect(cells).toEqual([
      ['10', '3', '10x3'],
      ['40', '10', '40x10'],
    ]);
  });

  it('predicts a point from the points it has, nx·ny, and says so when it skips one', async () => {
    const result = await runSweep({
      nMin: 4,
      nMax: 16,
      points: 3,
      ny: 3,
      strategies: ['loops'],
      repeats: 0,
      pointBudgetMs: 1e-6,
      limit: false,
    });
    expect(result.entries[0]).toMatchObject({ kind: 'record', nx: 4 });
    expect(result.entries.slice(1).map((e) => e.kind === 'skipped' && e.ny)).toEqual([3, 3]);
    for (const e of result.entries.slice(1))
      expect(e).toMatchObject({ reason: expect.stringMatching(/at 4 × 3, and time grows with the points, nx·ny\)/) });
  });
});

describe('a sweep with a failing strategy', () => {
  it('records the failure as that strategy’s result, skips its larger sizes, and goes on with the others', async () => {
    const pmapAvailable = (await strategyAvailability()).find((a) => a.strategy === 'pmap')?.available;
    // pmap asked for more devices than the machine has fails inside the run.
    const result = await runSweep({
      nMin: 4,
      nMax: 8,
      points: 2,
      strategies: ['pmap', 'vmap'],
      repeats: 0,
      limit: false,
      devices: 100_000,
    });
    expect(result.cancelled).toBe(false);
    expect(result.entries.filter((e) => e.kind === 'record' && e.strategy === 'vmap')).toHaveLength(2);
    const pmap = result.entries.filter((e) => e.strategy === 'pmap');
    expect(pmap.every((e) => e.kind === 'skipped')).toBe(true);
    if (pmapAvailable) {
      expect(pmap[0]).toMatchObject({ reason: expect.stringMatching(/^it failed: .*devices/) });
      expect(pmap[1]).toMatchObject({ reason: expect.stringMatching(/^it failed at n = 4/) });
    }
  });
});
