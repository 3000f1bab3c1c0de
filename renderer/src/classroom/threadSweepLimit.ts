// Why the threads sweep does not run at the lab's grid, or null when it does.
// The sweep times pmap beside the hand-written C++ kernel and the write
// floor, which both store the grid, on 1, 2, … threads, each several calls:
// it keeps to the grid's limit (n ≤ 20,000) whatever the output. A number
// output may go to 100,000 per side, but there the yardsticks' grid would
// not fit (37 GiB at 100,000² in float32) and the sweep would take far over
// Run's own limit (one fused call of 10¹⁰ points on one thread is minutes on
// a laptop; the sweep makes a dozen such calls at one thread alone). So it
// is refused before it starts, saying the limit, why, and what runs instead.
// Pure: the grid and the limits in, the reason out.

import type { GridLimits } from '../../../compute/limits';
import type { GridSettings } from '../../../main/contract';
import { formatBytes, formatGrid } from '../lib/format';

const ITEM_BYTES = { float32: 4, float64: 8 } as const;

export function threadSweepRefusal(grid: GridSettings, limits: Pick<GridLimits, 'nMax'>): string | null {
  const { nx, ny, dtype } = grid;
  if (nx <= limits.nMax && ny <= limits.nMax) return null;
  const bytes = nx * ny * ITEM_BYTES[dtype];
  const nMax = limits.nMax.toLocaleString('en-US');
  return (
    `The threads sweep runs up to ${nMax} per side: beside pmap it times the hand-written kernel and the write ` +
    `floor, which store the grid (${formatBytes(bytes)} at ${formatGrid(nx, ny)}), several calls per thread ` +
    `count. Bring n to ${nMax} or less to sweep the threads, or Run pmap at this size with the devices you choose.`
  );
}
