// Which grid a view, a record or a request is of: its size, domain, dtype
// and formula. Two things of the same grid draw the same surface, so a new
// one need not replace the one shown.

import type { GridSettings } from '../../../main/contract';

export function sameGrid(a: GridSettings, b: GridSettings): boolean {
  return (
    a.nx === b.nx &&
    a.ny === b.ny &&
    a.xRange[0] === b.xRange[0] &&
    a.xRange[1] === b.xRange[1] &&
    a.yRange[0] === b.yRange[0] &&
    a.yRange[1] === b.yRange[1] &&
    a.dtype === b.dtype &&
    a.formula === b.formula
  );
}
