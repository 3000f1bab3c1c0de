// Which grid a record or a request is of, as Live compares them: every
// grid setting (size, domain, dtype, formula) and the output (the grid or
// a number), none of the run's own (strategies, repeats, threads). Pure
// functions, no state.

import type { GridSettings, RunRecord, RunSettings } from '../../../main/contract';

/**
 * The settings that make a grid (all but which strategies, how many repeats, how many threads), as fields to compare.
 */
function gridOf(settings: GridSettings | RunSettings): Record<string, unknown> {
  const { strategies: _strategies, repeats: _repeats, devices: _devices, ...grid } = settings as RunSettings;
  return grid;
}

/** The output a record or a request is of: absent means the grid (records of the grid carry no `reduce`). */
const outputOf = (x: { reduce?: RunSettings['reduce'] }) => x.reduce ?? 'grid';

/**
 * Whether a record measured exactly these settings: the same output (but the
 * floor, a grid's, stands for any), and every grid setting (nx, ny, the
 * domain, the dtype, the formula, but the floor has no formula) that the
 * record also carries under the same name.
 */
export function measures(record: RunRecord, settings: GridSettings | RunSettings): boolean {
  if (record.strategy !== 'limit' && outputOf(record) !== outputOf(settings as RunSettings)) return false;
  const r = record as RunRecord & Record<string, unknown>;
  for (const [key, value] of Object.entries(gridOf(settings))) {
    if (!(key in r) || key === 'reduce' || (key === 'formula' && record.strategy === 'limit')) continue;
    if (JSON.stringify(r[key]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/** Two settings make the same grid when their keys are equal: a new grid size, domain, dtype or formula is a change. */
export function gridKey(settings: GridSettings | RunSettings): string {
  return JSON.stringify(Object.entries(gridOf(settings)).sort(([a], [b]) => (a < b ? -1 : 1)));
}
