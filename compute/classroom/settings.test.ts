import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_SETTINGS,
  LAYOUT_ITEMS,
  defaultSettings,
  parseSettings,
  settingsToJson,
  SettingsError,
  validateSettings,
  type LabSettings,
} from './settings.js';

const file = (fields: Record<string, unknown>) => JSON.stringify({ format: 'vlab-settings', version: 1, ...fields });

describe('.vlab.json settings', () => {
  it('round-trip: what is saved reads back the same', () => {
    const settings: LabSettings = {
      formula: 'x * exp(-x^2 - y^2)',
      nx: 1000,
      ny: 600,
      xRange: [-3, 1],
      yRange: [0, 2.5],
      dtype: 'float64',
      strategies: ['meshgrid', 'vmap', 'pmap'],
      lessonStep: 6,
      sweep: { nMin: 10, nMax: 2000, points: 6 },
      theme: 'dark',
      projector: true,
      layout: { hidden: ['panel:lower', 'control:repeats'], hiddenStrategies: ['loops'], presenter: true },
    };
    const text = settingsToJson(settings);
    expect(JSON.parse(text)).toMatchObject({ format: 'vlab-settings', version: 1 });
    expect(parseSettings(text)).toEqual(settings);
  });

  it('round-trip for any valid settings', () => {
    const range = fc
      .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }))
      .filter(([a, b]) => a < b)
      // JSON writes -0 as 0: a range is a value, not a sign bit.
      .map(([a, b]): [number, number] => [a + 0, b + 0]);
    const arbitrary = fc.record({
      formula: fc.constantFrom('x', 'cos(x^2 + y^2) / (1 + x^2 + y^2)', '42', 'max(x, y)'),
      nx: fc.integer({ min: 1, max: 20000 }),
      ny: fc.integer({ min: 1, max: 20000 }),
      xRange: range,
      yRange: range,
      dtype: fc.constantFrom('float32' as const, 'float64' as const),
      strategies: fc.uniqueArray(
        fc.constantFrom(
          'loops' as const,
          'naive' as const,
          'meshgrid' as const,
          'meshgrid-eager' as const,
          'vmap' as const,
          'pmap' as const,
          'gpu' as const,
        ),
      ),
      lessonStep: fc.integer({ min: 0, max: 9 }),
      sweep: fc.integer({ min: 1, max: 1000 }).chain((nMin) =>
        fc.record({
          nMin: fc.constant(nMin),
          nMax: fc.integer({ min: nMin, max: 5000 }),
          points: fc.integer({ min: 1, max: 60 }),
        }),
      ),
      theme: fc.constantFrom('system' as const, 'light' as const, 'dark' as const),
      projector: fc.boolean(),
      layout: fc.record({
        hidden: fc.subarray([...LAYOUT_ITEMS]),
        hiddenStrategies: fc.subarray([
          'loops' as const,
          'naive' as const,
          'meshgrid' as const,
          'meshgrid-eager' as const,
          'vmap' as const,
          'pmap' as const,
          'gpu' as const,
        ]),
        presenter: fc.boolean(),
      }),
    });
    fc.assert(
      fc.property(arbitrary, (s) => {
        expect(parseSettings(settingsToJson(s))).toEqual(s);
      }),
    );
  });

  it('fills missing fields from the defaults and ignores fields it does not know', () => {
    const settings = parseSettings(file({ n: 6000, fromTheFuture: { anything: 1 }, __proto__: { projector: true } }));
    expect(settings).toEqual({ ...defaultSettings(), nx: 6000, ny: 6000 });
    expect(settings).not.toHaveProperty('fromTheFuture');
    expect(DEFAULT_SETTINGS.projector).toBe(false);
  });

  it('says what is wrong with a bad file, naming the field', () => {
    const cases: [string, RegExp][] = [
      ['{', /not valid JSON/],
      ['[]', /one JSON object/],
      [JSON.stringify({ format: 'something-else', version: 1 }), /not a Vectorization Lab settings file/],
      [file({ version: 2 }), /version 2 is not supported/],
      [file({ n: 0 }), /'n' must be an integer from 1/],
      [file({ n: 2.5 }), /'n' must be an integer/],
      [file({ dtype: 'int8' }), /'dtype' must be one of float32, float64, got 'int8'/],
      [file({ strategies: ['vmap', 'warp'] }), /'strategies\[1\]' must be one of/],
      [file({ lessonStep: 11 }), /'lessonStep' must be an integer from 0 to 10/],
      [file({ sweep: { nMin: 100, nMax: 10 } }), /'sweep.nMax' must not be below nMin \(100\), got 10/],
      [file({ theme: 'neon' }), /'theme' must be one of system, light, dark/],
      [file({ projector: 'yes' }), /'projector' must be true or false/],
      [file({ formula: 'cos(x' }), /'formula' does not parse: .*at character/],
      [file({ layout: 'presenter' }), /'layout' must be an object/],
      [file({ layout: { hidden: 'panel:surface' } }), /'layout.hidden' must be a list/],
      [file({ layout: { hidden: [3] } }), /'layout.hidden\[0\]' must be a name, got 3/],
      [file({ layout: { presenter: 1 } }), /'layout.presenter' must be true or false/],
      ['x'.repeat(70_000), /at most/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseSettings(text), text.slice(0, 60)).toThrow(SettingsError);
      expect(() => parseSettings(text), text.slice(0, 60)).toThrow(message);
    }
  });

  it('a layout keeps what it hides in a fixed order, and leaves out items this version does not know', () => {
    const settings = parseSettings(
      file({
        layout: {
          hidden: ['control:formula', 'panel:surface', 'control:from-a-newer-lab', 'panel:surface'],
          hiddenStrategies: ['vmap', 'loops', 'warp'],
        },
      }),
    );
    expect(settings.layout).toEqual({
      hidden: ['panel:surface', 'control:formula'],
      hiddenStrategies: ['loops', 'vmap'],
      presenter: false,
    });
    expect(parseSettings(file({})).layout).toEqual({ hidden: [], hiddenStrategies: [], presenter: false });
  });

  it('never runs the formula text: code is just a formula that does not parse', () => {
    let ran = false;
    (globalThis as Record<string, unknown>).__vlabRan = () => (ran = true);
    expect(() => parseSettings(file({ formula: 'globalThis.__vlabRan()' }))).toThrow(/does not parse/);
    expect(ran).toBe(false);
  });

  it('validates an object the same way as its text', () => {
    expect(validateSettings({ format: 'vlab-settings', version: 1, n: 80 })).toMatchObject({ nx: 80, ny: 80 });
  });

  it('reads n as the square shorthand, nx and ny over it, and writes n beside them only for a square grid', () => {
    expect(parseSettings(file({ n: 500, ny: 200 }))).toMatchObject({
      nx: 500,
      ny: 200,
      xRange: [-2, 2],
      yRange: [-2, 2],
    });
    const square = JSON.parse(settingsToJson({ ...defaultSettings(), nx: 300, ny: 300 }));
    expect(square).toMatchObject({ n: 300, nx: 300, ny: 300 });
    const rectangular = JSON.parse(settingsToJson({ ...defaultSettings(), nx: 300, ny: 200, xRange: [-3, 1] }));
    expect(rectangular).toMatchObject({ nx: 300, ny: 200, xRange: [-3, 1], yRange: [-2, 2] });
    expect(rectangular).not.toHaveProperty('n');
  });

  it('keeps the output: a number’s sides may reach 100,000, a grid’s keep to 20,000, in the same words', () => {
    const max = parseSettings(settingsToJson({ ...defaultSettings(), reduce: 'max', nx: 100_000, ny: 100_000 }));
    expect(max).toMatchObject({ reduce: 'max', nx: 100_000, ny: 100_000 });
    expect(parseSettings(file({ n: 300 }))).not.toHaveProperty('reduce');
    expect(() => parseSettings(file({ n: 30_000 }))).toThrow(/'n' must be an integer from 1 to 20000, got 30000/);
    expect(() => parseSettings(file({ reduce: 'grid', ny: 30_000 }))).toThrow(
      /'ny' must be an integer from 1 to 20000/,
    );
    expect(() => parseSettings(file({ reduce: 'max', n: 200_000 }))).toThrow(/'n' must be an integer from 1 to 100000/);
    expect(() => parseSettings(file({ reduce: 'median' }))).toThrow(
      /'reduce' must be one of grid, max, min, sum, mean/,
    );
  });

  it('refuses a domain that is not two increasing finite numbers, naming the field', () => {
    expect(() => parseSettings(file({ xRange: [1, -1] }))).toThrow(
      /'xRange' must run from a smaller number to a larger one/,
    );
    expect(() => parseSettings(file({ yRange: [0] }))).toThrow(/'yRange' must be two finite numbers/);
    expect(() => parseSettings(file({ yRange: ['0', '1'] }))).toThrow(/'yRange' must be two finite numbers/);
  });
});
