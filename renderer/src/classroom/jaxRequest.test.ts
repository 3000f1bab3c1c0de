import { describe, expect, it } from 'vitest';
import type { GridSettings } from '../../../main/contract';
import { jaxExportRequestOf } from './jaxRequest';

const grid: GridSettings = {
  nx: 100_000,
  ny: 80_000,
  xRange: [-2, 2],
  yRange: [-1, 3],
  dtype: 'float32',
  formula: 'x',
};

describe('the JAX panel’s request', () => {
  it("asks for the chosen strategy's program when the output is the grid", () => {
    const choice = { strategy: 'pmap' as const, cluster: true };
    expect(jaxExportRequestOf(grid, 'grid', choice)).toEqual({ ...grid, strategy: 'pmap' });
    expect(jaxExportRequestOf(grid, undefined, choice)).toEqual({ ...grid, strategy: 'pmap' });
  });

  it('asks for the reduction program, no strategy, when the output is a number; the cluster one when chosen', () => {
    expect(jaxExportRequestOf(grid, 'max', { strategy: 'vmap', cluster: false })).toEqual({ ...grid, reduce: 'max' });
    expect(jaxExportRequestOf(grid, 'mean', { strategy: 'vmap', cluster: true })).toEqual({
      ...grid,
      reduce: 'mean',
      cluster: true,
    });
  });
});
