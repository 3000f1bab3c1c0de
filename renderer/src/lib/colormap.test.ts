import { describe, expect, it } from 'vitest';
import {
  COLORMAP_NAMES,
  colorDomain,
  colormapCss,
  colormapRgb,
  colormapTable,
  colorPosition,
  TABLE_SIZE,
} from './colormap';

/** Relative luminance of an sRGB colour (WCAG): how light the eye reads it. */
const luminance = ([r, g, b]: [number, number, number]) => {
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
};

describe('the colormaps', () => {
  it('are matplotlib’s viridis, cividis and magma at their ends', () => {
    expect(colormapCss('viridis', 0)).toBe('rgb(68, 1, 84)');
    expect(colormapCss('viridis', 1)).toBe('rgb(253, 231, 37)');
    expect(colormapCss('magma', 0)).toBe('rgb(0, 0, 4)');
    expect(colormapCss('cividis', 0)).toBe('rgb(0, 32, 81)');
  });

  it('grow lighter from low to high, except the diverging map, which is lightest at its middle', () => {
    for (const name of COLORMAP_NAMES) {
      const ends = [
        luminance(colormapRgb(name, 0)),
        luminance(colormapRgb(name, 0.5)),
        luminance(colormapRgb(name, 1)),
      ];
      if (name === 'diverging') {
        expect(ends[1]).toBeGreaterThan(0.85);
        expect(Math.max(ends[0]!, ends[2]!)).toBeLessThan(0.2);
      } else {
        expect(ends[0]).toBeLessThan(ends[1]!);
        expect(ends[1]).toBeLessThan(ends[2]!);
      }
    }
  });

  it('read negative f as blue and positive f as red in the diverging map', () => {
    const [r0, , b0] = colormapRgb('diverging', 0);
    const [r1, , b1] = colormapRgb('diverging', 1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
  });

  it('clamp t outside 0..1 and read NaN as the low end', () => {
    expect(colormapRgb('magma', -3)).toEqual(colormapRgb('magma', 0));
    expect(colormapRgb('magma', 7)).toEqual(colormapRgb('magma', 1));
    expect(colormapRgb('magma', NaN)).toEqual(colormapRgb('magma', 0));
  });

  it('are sampled into one 256-entry table per map, made once, and no two maps share a table', () => {
    const tables = COLORMAP_NAMES.map(colormapTable);
    expect(tables[0]).toBe(colormapTable(COLORMAP_NAMES[0]!));
    for (const table of tables) expect(table.length).toBe(TABLE_SIZE * 3);
    const keys = new Set(tables.map((t) => Array.from(t.subarray(0, 3 * 16)).join()));
    expect(keys.size).toBe(COLORMAP_NAMES.length);
  });
});

describe('the colour domain', () => {
  it('is the data’s range for a sequential map', () => {
    expect(colorDomain('viridis', -0.2, 1)).toEqual([-0.2, 1]);
  });

  it('is centred on 0 for the diverging map, wide enough for the larger side', () => {
    expect(colorDomain('diverging', -0.2, 1)).toEqual([-1, 1]);
    expect(colorDomain('diverging', -3, 0.5)).toEqual([-3, 3]);
    expect(colorDomain('diverging', 0, 0)).toEqual([-1, 1]);
  });

  it('places 0 at the middle of a centred domain, and clamps', () => {
    expect(colorPosition([-1, 1], 0)).toBe(0.5);
    expect(colorPosition([-1, 1], 5)).toBe(1);
    expect(colorPosition([2, 2], 2)).toBe(0.5);
  });
});
