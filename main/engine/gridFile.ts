// Writes a grid to a file (the 'engine:grid-file' method): x, y, f rows as CSV or the values as .npy. It reuses the
// grid the last run kept when it is the one asked for, and otherwise computes it once with vmap, without timing
// repeats, and frees it after writing.

import {
  type NDArray,
  axisValues,
  asCheckedRunRequest,
  runChecked,
  sampleIndices,
  writeNpy,
} from '../../compute/index.js';
import { removeStalePartials, writeGridCsv } from './gridCsv.js';
import type { KeptGrid } from './keptGrid.js';
import type { ParamsOf, ResultOf } from './protocol.js';
import type { HandlerContext } from './handlers.js';

/** Every index of an axis of n points: the CSV export writes the whole grid. */
const ALL_POINTS = Number.MAX_SAFE_INTEGER;

export async function writeGridFile(
  kept: KeptGrid,
  { settings, path, format }: ParamsOf<'engine:grid-file'>,
  { signal, progress }: HandlerContext<'engine:grid-file'>,
): Promise<ResultOf<'engine:grid-file'>> {
  let grid = kept.matching(settings);
  const owned = grid === null;
  if (!grid) {
    // The grid asked for is not the one kept: compute it once, without timing repeats.
    kept.release();
    const { nx, ny, xRange, yRange, dtype, formula } = settings;
    // The settings were validated where they entered ('export:grid', validate.ts).
    const result = await runChecked(
      asCheckedRunRequest({ strategy: 'vmap', nx, ny, xRange, yRange, dtype, formula, repeats: 0 }),
      { signal, keepGrid: true },
    );
    grid = result.grid!;
  }
  try {
    const onProgress = (fraction: number) => progress({ fraction });
    if (format === 'npy') {
      await removeStalePartials(path);
      await writeNpy(
        path,
        { dtype: settings.dtype, shape: grid.shape, data: grid.data, offset: grid.offset, strides: grid.strides },
        { signal, onProgress },
      );
      return { rows: grid.size };
    }
    const xs = axisValues(settings.nx, settings.xRange, settings.dtype, sampleIndices(settings.nx, ALL_POINTS));
    const ys = axisValues(settings.ny, settings.yRange, settings.dtype, sampleIndices(settings.ny, ALL_POINTS));
    const rows = await writeGridCsv(
      path,
      {
        dtype: settings.dtype,
        xs,
        ys,
        data: grid.data,
        offset: grid.offset,
        strides: grid.strides as [number, number],
      },
      { signal, onProgress },
    );
    return { rows };
  } finally {
    if (owned) (grid as NDArray).dispose();
  }
}
