// The lesson's first steps, on arrays alone: the Python loop (one call per point), the naive shortcut on flat
// vectors (the wrong shape, on purpose), meshgrid against the loop, what the first call's compile costs, and the
// memory two meshes take. Each returns the raw figures its sentences use (stepExperiments.ts keys them by step).

import type { DType } from '../core/dtype.js';
import { itemSize } from '../core/dtype.js';
import { linspace, meshgrid } from '../core/creation.js';
import { formatBytes, memoryCap } from '../strategies/memoryGuard.js';
import { gridAxes } from '../strategies/grid.js';
import { GRID_RANGE, type GridSpec } from '../strategies/types.js';
import { compareGrids, fitting, pythonShape, type StepContext, type Values } from './stepContext.js';

export async function loopStep({ n, run }: StepContext): Promise<Values> {
  const { record } = await run('loops');
  const perCallUs = (record.medianMs * 1000) / (n * n);
  return {
    n,
    calls: n * n,
    ms: record.medianMs,
    firstMs: record.firstMs,
    perCallUs,
    callsAt6000: 6000 * 6000,
    secondsAt6000: (perCallUs * 6000 * 6000) / 1e6,
  };
}

export async function naiveStep({ n, grid, run, runOn }: StepContext): Promise<Values> {
  const { record } = await run('naive');
  const values: Values = {
    n,
    shape: pythonShape(record.shape),
    gridShape: pythonShape([n, n]),
    got: record.shape.reduce((a, b) => a * b, 1),
    wanted: n * n,
    ms: record.medianMs,
    rectangular: grid.nx !== grid.ny,
  };
  if (grid.nx === grid.ny) return values;
  // On the lab's rectangular grid the shortcut does not even run: JAX's shape error, raised while tracing.
  const rectangular = await runOn('naive', grid);
  return {
    ...values,
    nx: grid.nx,
    ny: grid.ny,
    shapeError: rectangular.record.shapeError ?? '(none: the engine paired them, which it should not)',
  };
}

export async function meshgridStep({ n, grid, dtype, run }: StepContext): Promise<Values> {
  const mesh = await run('meshgrid', true);
  const loops = await run('loops', true);
  try {
    const check = compareGrids(mesh.grid!, loops.grid!, dtype);
    return {
      n,
      ...check,
      ms: mesh.record.medianMs,
      loopMs: loops.record.medianMs,
      speedup: loops.record.medianMs / mesh.record.medianMs,
      ...indexingShapes(grid, dtype),
    };
  } finally {
    mesh.grid!.dispose();
    loops.grid!.dispose();
  }
}

export async function compileStep({ n, dtype, run }: StepContext): Promise<Values> {
  const outcome = await fitting(() => run('meshgrid'));
  if ('refusal' in outcome) return { n, refused: true, refusal: outcome.refusal };
  const { record } = outcome.ok;
  const outputBytes = n * n * itemSize(dtype);
  return {
    n,
    refused: false,
    elements: n * n,
    firstMs: record.firstMs,
    secondMs: record.medianMs,
    firstOverSecond: record.firstMs / record.medianMs,
    compileMs: Math.max(0, record.firstMs - record.medianMs),
    outputBytes: formatBytes(outputBytes),
    bandwidth: outputBytes / (record.medianMs / 1000) / 1e9,
  };
}

export async function memoryStep({ n, dtype }: StepContext): Promise<Values> {
  const predicted = 2 * n * n * itemSize(dtype);
  const xBytes = n * itemSize(dtype);
  const cap = memoryCap();
  let meshBytes = predicted;
  let refusal: string | undefined;
  if (predicted <= cap) {
    // Built for real, so that the figure is what .nbytes says, as in the lecture.
    const x = linspace(GRID_RANGE[0], GRID_RANGE[1], n, { dtype });
    const [xMesh, yMesh] = meshgrid(x, x, { indexing: 'ij' });
    meshBytes = xMesh.nbytes + yMesh.nbytes;
    for (const a of [x, xMesh, yMesh]) a.dispose();
  } else {
    refusal = `they need ${formatBytes(predicted)} and only ${formatBytes(cap)} is available`;
  }
  return {
    n,
    meshBytes,
    meshHuman: formatBytes(meshBytes),
    xBytes,
    xHuman: formatBytes(xBytes),
    ratio: meshBytes / xBytes,
    refused: refusal !== undefined,
    ...(refusal ? { refusal } : {}),
  };
}

/**
 * meshgrid's two indexings on the lab's grid, made for real (the shapes are
 * what the engine's meshgrid returns): 'xy', NumPy's and JAX's default, gives
 * (ny, nx) — y down the rows — against the loop's (nx, ny). Only a
 * rectangular grid tells them apart by shape.
 */
function indexingShapes(grid: GridSpec, dtype: DType): Values {
  const { nx, ny } = grid;
  const rectangular = nx !== ny;
  const ijShape = pythonShape([nx, ny]);
  const meshBytes = 2 * nx * ny * itemSize(dtype);
  if (meshBytes > memoryCap())
    return { gridSize: `${nx} × ${ny}`, rectangular, ijShape, xyShape: pythonShape([ny, nx]) };
  const [x, y] = gridAxes(grid, dtype);
  const [xMesh, yMesh] = meshgrid(x, y, { indexing: 'xy' });
  const xyShape = pythonShape(xMesh.shape);
  for (const a of [x, y, xMesh, yMesh]) a.dispose();
  return { gridSize: `${nx} × ${ny}`, rectangular, ijShape, xyShape };
}
