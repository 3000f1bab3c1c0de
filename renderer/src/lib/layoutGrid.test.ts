import { describe, expect, it } from 'vitest';
import { layoutGrid, type Panel } from './layoutGrid';

const grid = (...panels: Panel[]) => layoutGrid(new Set(panels));

describe("the window's grid under a teacher's layout", () => {
  it('leaves the full layout to the app', () => {
    expect(grid('controls', 'surface', 'comparison', 'lower')).toBeNull();
  });

  it('gives the whole width to what is left', () => {
    expect(grid('surface', 'comparison')).toEqual({
      columns: 'minmax(0, 1fr) minmax(0, 1fr)',
      rows: 'minmax(420px, 1fr)',
      areas: "'surface comparison'",
    });
    expect(grid('controls', 'comparison', 'lower')).toEqual({
      columns: 'minmax(290px, 330px) minmax(0, 1fr)',
      rows: 'minmax(420px, auto) auto',
      areas: "'controls comparison' 'controls lower'",
    });
    expect(grid('controls', 'lower')).toMatchObject({ areas: "'controls lower'" });
    expect(grid('surface')).toMatchObject({ columns: 'minmax(0, 1fr)', areas: "'surface'" });
  });

  it('names every shown panel in its areas, and no hidden one', () => {
    const all: Panel[] = ['controls', 'surface', 'comparison', 'lower'];
    for (let mask = 1; mask < 16; mask++) {
      const shown = all.filter((_, k) => mask & (1 << k));
      const result = layoutGrid(new Set(shown));
      if (!result) continue;
      const named = new Set(result.areas.replace(/'/g, '').split(/\s+/));
      for (const panel of shown) expect(named.has(panel), `${shown} → ${result.areas}`).toBe(true);
      for (const panel of all.filter((p) => !shown.includes(p) && p !== 'lower')) expect(named.has(panel)).toBe(false);
      // Every row has as many cells as there are columns.
      const columns = result.columns.split(/ (?=minmax)/).length;
      for (const row of result.areas.match(/'[^']*'/g)!) expect(row.replace(/'/g, '').split(' ')).toHaveLength(columns);
    }
  });
});
