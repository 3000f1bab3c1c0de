// The one grid the run engine keeps: the last run's full result, so that
// "Export grid" writes what the surface shows without computing it again.
// It is freed before the next run, so that run can recycle its buffer.

import type { NDArray } from '../../compute/index.js';
import { compileFormula } from '../../compute/index.js';
import type { GridSettings } from '../contract.js';

export class KeptGrid {
  private kept: (GridSettings & { grid: NDArray }) | null = null;

  /** Keeps `grid` (a run's result, owned from now on) as the grid of `settings`, freeing the one kept before. */
  keep(grid: NDArray, settings: GridSettings): void {
    this.release();
    this.kept = { ...settings, grid };
  }

  /** Gives the kept grid's buffer back to the allocator. */
  release(): void {
    this.kept?.grid.dispose();
    this.kept = null;
  }

  /** The kept grid when it is the one `settings` asks for (same points, domain, dtype and formula), else null. */
  matching(settings: GridSettings): NDArray | null {
    const kept = this.kept;
    if (!kept) return null;
    const same =
      kept.nx === settings.nx &&
      kept.ny === settings.ny &&
      kept.xRange.join() === settings.xRange.join() &&
      kept.yRange.join() === settings.yRange.join() &&
      kept.dtype === settings.dtype &&
      kept.formula === compileFormula(settings.formula).text;
    return same ? kept.grid : null;
  }
}
