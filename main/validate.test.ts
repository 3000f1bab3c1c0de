import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from './contract.js';
import { InvalidRequestError, isInvokeChannel, validateRequest } from './validate.js';
import type { RunRecord } from '../compute/index.js';
import { countChecklist } from '../test/reliability/checklist.js';
import { recordFixture } from '../test/fixtures.js';

countChecklist('electron-checklist');

const settings = {
  nx: 1000,
  ny: 1000,
  xRange: [-2, 2],
  yRange: [-2, 2],
  dtype: 'float32',
  formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
};
const run = { ...settings, strategies: ['loops', 'vmap'], repeats: 3, devices: 0 };
const record: RunRecord = recordFixture('vmap', 80, 0.2, {
  firstMs: 3.1,
  minMs: 0.19,
  maxMs: 0.4,
  samplesMs: [0.19, 0.2, 0.4],
  iqrMs: 0.105,
  stddevMs: 0.12,
  noisy: true,
  noisyReason: 'IQR is 53% of the median (over 20%)',
  maxAbsErr: NaN,
  allclose: false,
  nonFinite: { nan: 1, posInf: 0, negInf: 0 },
  formula: 'x / 0',
  note: 'a note',
});

describe('validateRequest', () => {
  it('accepts well-formed requests on every channel', () => {
    expect(validateRequest('app:info', null)).toBeNull();
    expect(validateRequest('formula:check', { text: 'x + y' })).toEqual({ text: 'x + y' });
    expect(validateRequest('surface:preview', settings)).toEqual(settings);
    expect(validateRequest('run:guard', run)).toEqual(run);
    expect(validateRequest('run:start', { ...run, runId: 'run-abc_1', includeFloor: true })).toBeTruthy();
    expect(validateRequest('run:cancel', { runId: 'run-abc' })).toEqual({ runId: 'run-abc' });
    expect(validateRequest('export:results', { records: [record] })).toBeTruthy();
    // A Python peer's record: backend python, its versions, and no peak where JAX's allocator hid it.
    const { peakBytes: _unmeasured, ...withoutPeak } = record;
    const peer = {
      ...withoutPeak,
      strategy: 'jax-vmap',
      backend: 'python',
      peerVersions: 'Python 3.11.7, NumPy 2.4.6, JAX 0.10.2, jaxlib 0.10.2',
    };
    expect(validateRequest('export:results', { records: [peer] })).toBeTruthy();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(validateRequest('export:png', { png })).toBeTruthy();
  });

  it('names the field that is wrong', () => {
    expect(() => validateRequest('surface:preview', { ...settings, nx: 0 })).toThrow(
      /request\.nx must be an integer from 1 to 20000/,
    );
    expect(() => validateRequest('surface:preview', { ...settings, ny: 2.5 })).toThrow(/request\.ny/);
    expect(() => validateRequest('surface:preview', { ...settings, nx: '1000' })).toThrow(/request\.nx/);
    expect(() => validateRequest('surface:preview', { ...settings, n: 1000 })).toThrow(/request\.n is not expected/);
    expect(() => validateRequest('surface:preview', { ...settings, xRange: [2, -2] })).toThrow(
      /request\.xRange must run from a smaller number to a larger one/,
    );
    expect(() => validateRequest('surface:preview', { ...settings, yRange: [0, Infinity] })).toThrow(
      /request\.yRange must be two finite numbers/,
    );
    expect(() => validateRequest('surface:preview', { ...settings, yRange: [0, 1, 2] })).toThrow(/request\.yRange/);
    expect(() => validateRequest('surface:preview', { ...settings, dtype: 'int8' })).toThrow(
      /request\.dtype must be one of float32, float64/,
    );
    expect(() => validateRequest('run:guard', { ...run, strategies: ['loops', 'rm -rf'] })).toThrow(
      /request\.strategies\[1\]/,
    );
    expect(() => validateRequest('run:guard', { ...run, repeats: 1e9 })).toThrow(/request\.repeats/);
    expect(() => validateRequest('formula:check', { text: 'x'.repeat(501) })).toThrow(/at most 500 characters/);
  });

  it('takes a run to a number up to 100,000 per side, and holds a run to the grid to 20,000', () => {
    const answer = { ...run, nx: 100_000, ny: 100_000, reduce: 'max' };
    expect(validateRequest('run:guard', answer)).toEqual(answer);
    expect(validateRequest('run:start', { ...answer, runId: 'r1', includeFloor: false })).toBeTruthy();
    expect(() => validateRequest('run:guard', { ...answer, nx: 100_001 })).toThrow(
      /request\.nx must be an integer from 1 to 100000/,
    );
    expect(() => validateRequest('run:guard', { ...answer, reduce: 'grid' })).toThrow(
      /request\.nx must be an integer from 1 to 20000/,
    );
    expect(() => validateRequest('run:start', { ...run, ny: 30_000, runId: 'r2', includeFloor: false })).toThrow(
      /request\.ny must be an integer from 1 to 20000/,
    );
    expect(() => validateRequest('run:guard', { ...run, reduce: 'median' })).toThrow(
      /request\.reduce must be one of grid, max, min, sum, mean/,
    );
  });

  it('takes the traced graphs and the JAX export of a number up to 100,000 per side, of the grid to 20,000', () => {
    const grid = { nx: 100_000, ny: 100_000, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float32', formula: 'x' };
    expect(validateRequest('graph:trace', { ...grid, reduce: 'max' })).toEqual({ ...grid, reduce: 'max' });
    expect(() => validateRequest('graph:trace', grid)).toThrow(/request\.nx must be an integer from 1 to 20000/);
    expect(() => validateRequest('graph:trace', { ...grid, ny: 100_001, reduce: 'sum' })).toThrow(
      /request\.ny must be an integer from 1 to 100000/,
    );
    const program = { nx: 100_000, ny: 50_000, reduce: 'mean', cluster: true };
    expect(validateRequest('export:python', program)).toEqual(program);
    expect(validateRequest('classroom:jax', { n: 100_000, reduce: 'max' })).toEqual({ n: 100_000, reduce: 'max' });
    expect(() => validateRequest('classroom:jax', { strategy: 'vmap', n: 100_000 })).toThrow(
      /request\.n must be an integer from 1 to 20000/,
    );
    expect(() => validateRequest('classroom:jax', { strategy: 'vmap', n: 20, cluster: 'yes' })).toThrow(
      /request\.cluster must be true or false/,
    );
  });

  it("takes the threads sweep on the lab's nx × ny grid over its domain, and a sweep held at ny or at an aspect", () => {
    expect(
      validateRequest('classroom:threads', { taskId: 't', sweep: { ...settings, nx: 2000, ny: 500, xRange: [-1, 3] } }),
    ).toEqual({
      taskId: 't',
      sweep: { ...settings, nx: 2000, ny: 500, xRange: [-1, 3] },
    });
    // The square shorthand of old is refused by name, not read as a side.
    expect(() =>
      validateRequest('classroom:threads', { taskId: 't', sweep: { n: 200, dtype: 'float32', formula: 'x' } }),
    ).toThrow(/request\.sweep\.nx must be an integer/);
    const sweep = { nMin: 10, nMax: 2000, points: 4, strategies: ['vmap'] };
    expect(validateRequest('classroom:sweep', { taskId: 't', sweep: { ...sweep, ny: 500 } })).toEqual({
      taskId: 't',
      sweep: { ...sweep, ny: 500 },
    });
    expect(validateRequest('classroom:sweep', { taskId: 't', sweep: { ...sweep, aspect: 0.25 } })).toEqual({
      taskId: 't',
      sweep: { ...sweep, aspect: 0.25 },
    });
    expect(() => validateRequest('classroom:sweep', { taskId: 't', sweep: { ...sweep, aspect: 0 } })).toThrow(
      'request.sweep.aspect must be a number from 1/20000 to 20000',
    );
    expect(() => validateRequest('classroom:sweep', { taskId: 't', sweep: { ...sweep, aspect: Infinity } })).toThrow(
      /request\.sweep\.aspect must be a number/,
    );
  });

  it('refuses extra and missing fields rather than ignoring or filling them', () => {
    expect(() => validateRequest('formula:check', { text: 'x', extra: 1 })).toThrow(/request\.extra is not expected/);
    expect(() =>
      validateRequest('surface:preview', { nx: 10, ny: 10, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float32' }),
    ).toThrow(/request\.formula/);
    expect(() => validateRequest('app:info', { please: true })).toThrow(InvalidRequestError);
    const poisoned = JSON.parse('{"text": "x", "__proto__": {"admin": true}}') as unknown;
    expect(() => validateRequest('formula:check', poisoned)).toThrow(/__proto__ is not expected/);
  });

  it('refuses run ids that could be anything but a name', () => {
    expect(() => validateRequest('run:cancel', { runId: '../../etc' })).toThrow(/unexpected form/);
    expect(() => validateRequest('run:cancel', { runId: 'a'.repeat(65) })).toThrow(/at most 64/);
  });

  it('writes only PNG images where a PNG was asked for', () => {
    expect(() => validateRequest('export:png', { png: new Uint8Array([1, 2, 3]) })).toThrow(/not a PNG image/);
    expect(() => validateRequest('export:png', { png: [0x89, 0x50] })).toThrow(/must be PNG bytes/);
  });

  it('writes a chart only as the image format it names, SVG text or a PNG', () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(validateRequest('export:chart', { chart: 'roofline', format: 'svg', data: svg }).format).toBe('svg');
    expect(validateRequest('export:chart', { chart: 'mountain', format: 'png', data: pngBytes }).format).toBe('png');
    expect(() => validateRequest('export:chart', { chart: 'roofline', format: 'png', data: svg })).toThrow(
      /not an image of the format it names/,
    );
    expect(() => validateRequest('export:chart', { chart: 'roofline', format: 'svg', data: pngBytes })).toThrow(
      /not an image of the format it names/,
    );
    expect(() => validateRequest('export:chart', { chart: 'surface', format: 'svg', data: svg })).toThrow(
      /chart must be one of roofline, mountain/,
    );
    expect(() => validateRequest('machine:profile', { measure: 'yes', refresh: false })).toThrow(
      /measure must be true or false/,
    );
  });

  it('checks every field of a run record, and refuses one it does not know', () => {
    expect(() => validateRequest('export:results', { records: [{ ...record, strategy: 'magic' }] })).toThrow(
      /records\[0\]\.strategy/,
    );
    expect(() =>
      validateRequest('export:results', { records: [{ ...record, nonFinite: { nan: -1, posInf: 0, negInf: 0 } }] }),
    ).toThrow(/nonFinite\.nan/);
    expect(() => validateRequest('export:results', { records: [{ ...record, secret: 'x' }] })).toThrow(
      /records\[0\]\.secret is not expected/,
    );
    const { allclose: _dropped, ...missing } = record;
    expect(() => validateRequest('export:results', { records: [missing] })).toThrow(/records\[0\]\.allclose/);
  });

  it("takes a theme for the desktop chrome only from the picker's three choices", () => {
    for (const theme of ['system', 'light', 'dark']) expect(validateRequest('theme:set', { theme })).toEqual({ theme });
    expect(() => validateRequest('theme:set', { theme: 'neon' })).toThrow(
      /request\.theme must be one of system, light, dark/,
    );
    expect(() => validateRequest('theme:set', { theme: 'dark', css: 'x' })).toThrow(/request\.css is not expected/);
    expect(() => validateRequest('theme:set', null)).toThrow(/must be an object/);
  });

  it('checks a layout item by item in the settings the window remembers', () => {
    const labSettings = {
      ...settings,
      strategies: ['vmap'],
      lessonStep: 0,
      sweep: { nMin: 10, nMax: 2000, points: 8 },
      theme: 'system',
      projector: false,
      layout: { hidden: ['panel:lower', 'control:formula'], hiddenStrategies: ['loops'], presenter: true },
    };
    expect(validateRequest('settings:remember', { settings: labSettings })).toBeTruthy();
    const bad = (layout: unknown) => validateRequest('settings:remember', { settings: { ...labSettings, layout } });
    expect(() => bad({ ...labSettings.layout, hidden: ['panel:secret'] })).toThrow(
      /request\.settings\.layout\.hidden\[0\] must be one of panel:controls/,
    );
    expect(() => bad({ ...labSettings.layout, hiddenStrategies: ['warp'] })).toThrow(/layout\.hiddenStrategies\[0\]/);
    expect(() => bad({ hidden: [], hiddenStrategies: [] })).toThrow(/layout\.presenter must be true or false/);
    const { layout: _missing, ...withoutLayout } = labSettings;
    expect(() => validateRequest('settings:remember', { settings: withoutLayout })).toThrow(
      /request\.settings\.layout must be an object/,
    );
  });

  it('has a validator for every channel of the contract and no other', () => {
    for (const channel of INVOKE_CHANNELS) expect(isInvokeChannel(channel)).toBe(true);
    expect(isInvokeChannel('toString')).toBe(false);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(() => validateRequest('nope' as never, null)).toThrow(/unknown channel/);
  });
});

describe('one source for each limit', () => {
  it('accepts exactly the n, sweep points and lesson steps the engine defines, and a settings file agrees', async () => {
    const { APP_GRID_LIMITS } = await import('../compute/limits.js');
    const { LESSON_STEP_IDS } = await import('../compute/classroom/lessonSteps.js');
    const { parseSettings, settingsToJson, DEFAULT_SETTINGS } = await import('../compute/classroom/settings.js');
    const { validateRequest } = await import('./validate.js');
    const settings = (sweepMax: number) =>
      parseSettings(settingsToJson({ ...DEFAULT_SETTINGS, sweep: { nMin: 10, nMax: sweepMax, points: 8 } }));
    // The largest n a document may hold is the largest the app accepts over IPC: no file opens that cannot be remembered.
    expect(() => validateRequest('settings:remember', { settings: settings(APP_GRID_LIMITS.nMax) })).not.toThrow();
    expect(() => settings(APP_GRID_LIMITS.nMax + 1)).toThrow(/nMax/);
    const lesson = (step: number) => ({ taskId: 't', step, formula: 'x', dtype: 'float32' });
    expect(() => validateRequest('classroom:lesson', lesson(LESSON_STEP_IDS.length - 1))).not.toThrow();
    expect(() => validateRequest('classroom:lesson', lesson(LESSON_STEP_IDS.length))).toThrow();
  });
});
