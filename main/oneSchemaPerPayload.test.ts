// One schema per payload: a value the app refuses is refused in the same
// words by every path that reads it (an IPC request, a .vlab.json file, the
// results log), and a limit changed in compute/limits.ts moves every one of
// them. The rules below are read from the limits, never written out.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_GRID_LIMITS, FORMULA_MAX_LENGTH } from '../compute/limits.js';
import { STRATEGY_NAMES } from '../compute/strategies/types.js';
import { DEFAULT_SETTINGS, parseSettings, SettingsError } from '../compute/classroom/settings.js';
import { validateRequest } from './validate.js';
import { ResultsLog } from './resultsLog.js';
import { recordFixture } from '../test/fixtures.js';

const file = (fields: Record<string, unknown>) => JSON.stringify({ format: 'vlab-settings', version: 1, ...fields });
const grid = { nx: 80, ny: 80, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float32', formula: 'x + y' };
const refusal = (act: () => unknown): string => {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('it was accepted');
};

describe('the same bad value is refused in the same words through every path', () => {
  const sideRule = `must be an integer from ${APP_GRID_LIMITS.nMin} to ${APP_GRID_LIMITS.nMax}`;
  const tooBig = APP_GRID_LIMITS.nMax + 1;

  it("a side past the app's largest n: a document, the settings the window remembers, and every request with a grid", () => {
    expect(refusal(() => parseSettings(file({ n: tooBig })))).toBe(`'n' ${sideRule}, got ${tooBig}`);
    expect(refusal(() => parseSettings(file({ ny: tooBig })))).toBe(`'ny' ${sideRule}, got ${tooBig}`);
    expect(refusal(() => parseSettings(file({ sweep: { nMax: tooBig } })))).toBe(
      `'sweep.nMax' ${sideRule}, got ${tooBig}`,
    );
    const settings = { ...DEFAULT_SETTINGS, ny: tooBig };
    expect(refusal(() => validateRequest('settings:remember', { settings }))).toBe(
      `settings:remember: request.settings.ny ${sideRule}`,
    );
    expect(refusal(() => validateRequest('settings:save', { settings }))).toBe(
      `settings:save: request.settings.ny ${sideRule}`,
    );
    const sweep = { ...DEFAULT_SETTINGS, sweep: { ...DEFAULT_SETTINGS.sweep, nMax: tooBig } };
    expect(refusal(() => validateRequest('settings:remember', { settings: sweep }))).toBe(
      `settings:remember: request.settings.sweep.nMax ${sideRule}`,
    );
    expect(refusal(() => validateRequest('surface:preview', { ...grid, ny: tooBig }))).toBe(
      `surface:preview: request.ny ${sideRule}`,
    );
    expect(
      refusal(() =>
        validateRequest('run:guard', { ...grid, ny: tooBig, strategies: ['vmap'], repeats: 1, devices: 0 }),
      ),
    ).toBe(`run:guard: request.ny ${sideRule}`);
    expect(refusal(() => validateRequest('export:grid', { ...grid, ny: tooBig }))).toBe(
      `export:grid: request.ny ${sideRule}`,
    );
    expect(refusal(() => validateRequest('export:python', { strategy: 'vmap', ny: tooBig }))).toBe(
      `export:python: request.ny ${sideRule}`,
    );
    expect(refusal(() => validateRequest('classroom:threads', { taskId: 't', sweep: { ...grid, ny: tooBig } }))).toBe(
      `classroom:threads: request.sweep.ny ${sideRule}`,
    );
    const classroomSweep = { nMin: 10, nMax: tooBig, points: 4, strategies: ['vmap'] };
    expect(refusal(() => validateRequest('classroom:sweep', { taskId: 't', sweep: classroomSweep }))).toBe(
      `classroom:sweep: request.sweep.nMax ${sideRule}`,
    );
    expect(
      refusal(() =>
        validateRequest('classroom:sweep', { taskId: 't', sweep: { ...classroomSweep, nMax: 100, ny: tooBig } }),
      ),
    ).toBe(`classroom:sweep: request.sweep.ny ${sideRule}`);
  });

  it('a sweep that runs downwards: a document, the settings the window remembers, and a sweep request', () => {
    expect(refusal(() => parseSettings(file({ sweep: { nMin: 100, nMax: 10 } })))).toBe(
      `'sweep.nMax' must not be below nMin (100), got 10`,
    );
    const settings = { ...DEFAULT_SETTINGS, sweep: { nMin: 100, nMax: 10, points: 8 } };
    expect(refusal(() => validateRequest('settings:remember', { settings }))).toBe(
      `settings:remember: request.settings.sweep.nMax must not be below nMin (100)`,
    );
    const sweep = { nMin: 100, nMax: 10, points: 4, strategies: ['vmap'] };
    expect(refusal(() => validateRequest('classroom:sweep', { taskId: 't', sweep }))).toBe(
      `classroom:sweep: request.sweep.nMax must not be below nMin (100)`,
    );
    expect(() => validateRequest('classroom:sweep', { taskId: 't', sweep: { ...sweep, nMax: 100 } })).not.toThrow();
  });

  it('a formula longer than the app takes: a document, the settings, a request, a record', () => {
    const rule = `must be text of at most ${FORMULA_MAX_LENGTH} characters`;
    const long = 'x'.repeat(FORMULA_MAX_LENGTH + 1);
    expect(refusal(() => parseSettings(file({ formula: long })))).toMatch(new RegExp(`^'formula' ${rule}, got 'x+…'$`));
    expect(
      refusal(() => validateRequest('settings:remember', { settings: { ...DEFAULT_SETTINGS, formula: long } })),
    ).toBe(`settings:remember: request.settings.formula ${rule}`);
    expect(refusal(() => validateRequest('formula:check', { text: long }))).toBe(`formula:check: request.text ${rule}`);
    expect(refusal(() => validateRequest('surface:preview', { ...grid, formula: long }))).toBe(
      `surface:preview: request.formula ${rule}`,
    );
    const record = { ...recordFixture('vmap', 80, 0.2), formula: long };
    expect(refusal(() => validateRequest('export:results', { records: [record] }))).toBe(
      `export:results: request.records[0].formula ${rule}`,
    );
    // One character fewer is a formula every path takes (a long number is one).
    const longest = '1'.repeat(FORMULA_MAX_LENGTH);
    expect(parseSettings(file({ formula: longest })).formula).toBe(longest);
    expect(validateRequest('formula:check', { text: longest })).toEqual({ text: longest });
  });

  describe('a record with a strategy the lab does not know: export:results and the previous-session reader', () => {
    let dir = '';
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('refuses it with the same rule, and offers back only the records export:results takes', async () => {
      const rule = `must be one of ${[...STRATEGY_NAMES, 'limit'].join(', ')}`;
      const good = recordFixture('vmap', 80, 0.2);
      const magic = { ...good, strategy: 'magic' };
      expect(refusal(() => validateRequest('export:results', { records: [magic] }))).toBe(
        `export:results: request.records[0].strategy ${rule}`,
      );

      dir = await mkdtemp(join(tmpdir(), 'vlab-one-schema-'));
      const path = join(dir, 'results.jsonl');
      const line = (record: unknown) =>
        JSON.stringify({ type: 'run', sessionId: 'earlier', startedAt: 'a', savedAt: 'a', record });
      await writeFile(path, `${line(good)}\n${line(magic)}\n`);
      const log = new ResultsLog(path, 'now');
      const previous = await log.previousSession();
      expect(previous?.records).toEqual([good]);
      expect(log.skipped).toEqual([{ line: 2, reason: `record.strategy ${rule}` }]);
      expect(() => validateRequest('export:results', { records: previous?.records })).not.toThrow();
    });
  });
});

describe('a limit changed in compute/limits.ts moves every validator', () => {
  afterEach(() => {
    vi.doUnmock('../compute/limits.js');
    vi.resetModules();
  });

  it('a smaller largest n and a shorter formula are refused by the requests, the documents and the records alike', async () => {
    const nMax = 4321;
    const formulaMax = 9;
    vi.resetModules();
    vi.doMock('../compute/limits.js', async (importOriginal) => {
      const limits = await importOriginal<typeof import('../compute/limits.js')>();
      return { ...limits, APP_GRID_LIMITS: { ...limits.APP_GRID_LIMITS, nMax }, FORMULA_MAX_LENGTH: formulaMax };
    });
    const { validateRequest } = await import('./validate.js');
    const { parseSettings, DEFAULT_SETTINGS } = await import('../compute/classroom/settings.js');

    const side = (n: number) => [
      () => parseSettings(file({ formula: 'x', n })),
      () => parseSettings(file({ formula: 'x', sweep: { nMin: 1, nMax: n } })),
      () => validateRequest('settings:remember', { settings: { ...DEFAULT_SETTINGS, formula: 'x', nx: n } }),
      () => validateRequest('surface:preview', { ...grid, nx: n }),
      () =>
        validateRequest('run:start', {
          ...grid,
          nx: n,
          strategies: ['vmap'],
          repeats: 1,
          devices: 0,
          runId: 'r',
          includeFloor: false,
        }),
      () => validateRequest('classroom:threads', { taskId: 't', sweep: { ...grid, nx: n } }),
      () =>
        validateRequest('classroom:sweep', {
          taskId: 't',
          sweep: { nMin: 1, nMax: 10, points: 2, ny: n, strategies: ['vmap'] },
        }),
      () =>
        validateRequest('classroom:lesson', {
          taskId: 't',
          step: 0,
          formula: 'x',
          dtype: 'float32',
          grid: { nx: n, ny: 10, xRange: [-2, 2], yRange: [-2, 2] },
        }),
      () => validateRequest('export:python', { strategy: 'vmap', n }),
    ];
    for (const accept of side(nMax)) expect(accept).not.toThrow();
    for (const refuse of side(nMax + 1)) expect(refuse).toThrow(`must be an integer from 1 to ${nMax}`);

    const formula = (text: string) => [
      () => parseSettings(file({ formula: text })),
      () => validateRequest('settings:remember', { settings: { ...DEFAULT_SETTINGS, formula: text } }),
      () => validateRequest('formula:check', { text }),
      () => validateRequest('export:results', { records: [{ ...recordFixture('vmap', 80, 0.2), formula: text }] }),
    ];
    for (const accept of formula('x+y+x+y+x')) expect(accept).not.toThrow();
    for (const refuse of formula('x+y+x+y+xy'))
      expect(refuse).toThrow(`must be text of at most ${formulaMax} characters`);
  });

  it('the unchanged limits are what the app runs with (the mock above is gone)', () => {
    expect(() => validateRequest('surface:preview', { ...grid, nx: APP_GRID_LIMITS.nMax })).not.toThrow();
    expect(() => parseSettings(file({ n: APP_GRID_LIMITS.nMax }))).not.toThrow(SettingsError);
  });
});
