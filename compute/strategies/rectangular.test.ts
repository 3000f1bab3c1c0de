// Rectangular grids over any domain: every strategy computes
// z[i, j] = f(x[i], y[j]) with x = linspace(x0, x1, nx), y = linspace(y0, y1, ny),
// shape (nx, ny), checked here against values written out by hand, not against
// the engine's own reference; naive fails on nx ≠ ny exactly as JAX does.

import { describe, expect, it } from 'vitest';
import { backendStatus, loadBackends } from '../backends/registry.js';
import type { NDArray } from '../core/ndarray.js';
import { RunRequestError, guardRequest, runStrategy } from './run.js';
import { measureLimit } from './limit.js';
import type { StrategyName } from './types.js';
import { cpuDevices } from '../transforms/pmap.js';

await loadBackends();
const native = backendStatus('native').available;
const gpu = backendStatus('webgpu').available;

const NX = 13;
const NY = 7;
const X_RANGE = [-3, 1] as const;
const Y_RANGE = [0, 2] as const;
const f = (x: number, y: number) => x - y / 2 + Math.sin(x) * y;

function expectedGrid(): number[][] {
  const x = Array.from({ length: NX }, (_, i) => X_RANGE[0] + ((X_RANGE[1] - X_RANGE[0]) * i) / (NX - 1));
  const y = Array.from({ length: NY }, (_, j) => Y_RANGE[0] + ((Y_RANGE[1] - Y_RANGE[0]) * j) / (NY - 1));
  return x.map((xi) => y.map((yj) => f(xi, yj)));
}

function valueAt(grid: NDArray, i: number, j: number): number {
  return grid.data[grid.offset + i * grid.strides[0]! + j * grid.strides[1]!]!;
}

const STRATEGIES: [StrategyName, boolean][] = [
  ['loops', true],
  ['meshgrid', true],
  ['meshgrid-eager', true],
  ['vmap', true],
  // 13 rows over 2 devices: x is padded by one row, sliced off the result.
  ['pmap', native],
  ['gpu', gpu],
];

describe('every strategy on a 13 × 7 grid over [-3, 1] × [0, 2]', () => {
  it.each(STRATEGIES.filter(([, can]) => can).map(([s]) => [s]))(
    '%s gives shape (13, 7) and z[i, j] = f(x[i], y[j])',
    async (strategy) => {
      const dtype = strategy === 'gpu' ? 'float32' : 'float64';
      const { record, grid } = await runStrategy(
        {
          strategy,
          nx: NX,
          ny: NY,
          xRange: X_RANGE,
          yRange: Y_RANGE,
          dtype,
          formula: 'x - y / 2 + sin(x) * y',
          repeats: 0,
          ...(strategy === 'pmap' ? { devices: Math.min(2, cpuDevices().length) } : {}),
        },
        { keepGrid: true },
      );
      try {
        expect(record).toMatchObject({
          strategy,
          nx: NX,
          ny: NY,
          xRange: [-3, 1],
          yRange: [0, 2],
          shape: [NX, NY],
          allclose: true,
        });
        const expected = expectedGrid();
        const tolerance = dtype === 'float32' ? 1e-5 : 1e-12;
        for (let i = 0; i < NX; i++)
          for (let j = 0; j < NY; j++)
            expect(Math.abs(valueAt(grid!, i, j) - expected[i]![j]!)).toBeLessThan(tolerance);
        expect(record.peakBytes).toBeLessThanOrEqual(record.predictedBytes);
      } finally {
        grid?.dispose();
      }
    },
  );
});

describe('naive on a rectangular grid', () => {
  it("records JAX's shape error, naming both shapes, as the step's wrong answer", async () => {
    const { record, grid } = await runStrategy(
      { strategy: 'naive', nx: 300, ny: 200, dtype: 'float32', backend: 'js' },
      { keepGrid: true },
    );
    expect(grid).toBeUndefined();
    expect(record).toMatchObject({ strategy: 'naive', nx: 300, ny: 200, shape: [], allclose: false, repeats: 0 });
    expect(record.shapeError).toBe('add got incompatible shapes for broadcasting: (300,), (200,).');
    expect(record.maxAbsErr).toBeNaN();
  });

  it('names the primitive the formula mixes x and y with first (sub for x - y / 2)', async () => {
    const { record } = await runStrategy({ strategy: 'naive', nx: 120, ny: 70, formula: 'x - y / 2', backend: 'js' });
    expect(record.shapeError).toBe('sub got incompatible shapes for broadcasting: (120,), (70,).');
  });

  it('still gives the diagonal, shape (n,), on a square grid over another domain', async () => {
    const { record } = await runStrategy({
      strategy: 'naive',
      n: 50,
      xRange: [-3, 1],
      yRange: [0, 2],
      dtype: 'float64',
      backend: 'js',
    });
    expect(record).toMatchObject({ shape: [50], allclose: false });
    expect(record.shapeError).toBeUndefined();
    expect(record.maxAbsErr).toBeLessThan(1e-12);
  });
});

describe('the request, the guard and the floor follow nx × ny', () => {
  it('n is the square shorthand: n sets both sides, an explicit nx or ny wins', async () => {
    const { record } = await runStrategy({ strategy: 'vmap', n: 9, ny: 4, backend: 'js', repeats: 0 });
    expect(record).toMatchObject({ nx: 9, ny: 4, shape: [9, 4], xRange: [-2, 2], yRange: [-2, 2] });
  });

  it('predicts bytes from nx·ny: vmap holds the grid and the two axes', () => {
    expect(guardRequest({ strategy: 'vmap', nx: 3000, ny: 1000, dtype: 'float64' }).predictedBytes).toBe(
      (3000 * 1000 + 4000) * 8,
    );
    expect(guardRequest({ strategy: 'meshgrid', nx: 3000, ny: 1000, dtype: 'float64' }).predictedBytes).toBe(
      (3 * 3000 * 1000 + 4000) * 8,
    );
  });

  it('refuses a missing size, a bad side and a domain that does not increase, naming the field', async () => {
    await expect(runStrategy({ strategy: 'vmap' })).rejects.toThrow(/give the grid's size/);
    await expect(runStrategy({ strategy: 'vmap', nx: 0, ny: 4 })).rejects.toThrow(/nx must be an integer from 1/);
    await expect(runStrategy({ strategy: 'vmap', n: 4, yRange: [2, 0] })).rejects.toThrow(RunRequestError);
    await expect(runStrategy({ strategy: 'vmap', n: 4, xRange: [0, Number.NaN] as never })).rejects.toThrow(
      /xRange must be two finite numbers/,
    );
  });

  it.runIf(native)('times the floor over nx·ny outputs', async () => {
    const limit = await measureLimit({ nx: 400, ny: 100, xRange: [0, 1], yRange: [0, 1] }, 'float32', 2);
    expect(limit).toMatchObject({ strategy: 'limit', nx: 400, ny: 100, shape: [400, 100], peakBytes: 400 * 100 * 4 });
  });
});
