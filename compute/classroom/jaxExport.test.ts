import { describe, expect, it } from 'vitest';
import { JaxExportError, jaxExport } from './jaxExport.js';
import { jaxFileName, jaxProgram } from './jax.js';
import { jaxClusterProgram, jaxReduceProgram } from './jaxReduce.js';
import { FormulaError } from '../formula/index.js';

const grid = { nx: 100_000, ny: 100_000, formula: 'x * y', dtype: 'float32' as const };

describe('the JAX export a shell asks for', () => {
  it("writes one strategy's program for the grid's output, absent or 'grid'", () => {
    const request = { nx: 120, ny: 70, strategy: 'pmap' as const };
    const expected = { text: jaxProgram(request), fileName: jaxFileName(request) };
    expect(jaxExport(request)).toEqual(expected);
    expect(jaxExport({ ...request, reduce: 'grid' })).toEqual(expected);
    expect(expected.fileName).toBe('vlab_pmap_120x70.py');
  });

  it("writes the reduction program for a number output, at sizes past the grid's limit", () => {
    const exported = jaxExport({ ...grid, reduce: 'max' });
    expect(exported.text).toBe(jaxReduceProgram({ ...grid, reduce: 'max' }));
    expect(exported.text).toContain('lax.pmax');
    expect(exported.text).toContain('DEFAULT_NX, DEFAULT_NY = 100000, 100000');
    expect(exported.fileName).toBe('vlab_max_n100000.py');
  });

  it('writes the cluster program when asked, for a number output only', () => {
    const exported = jaxExport({ ...grid, ny: 50_000, reduce: 'sum', cluster: true });
    expect(exported.text).toBe(jaxClusterProgram({ ...grid, ny: 50_000, reduce: 'sum' }));
    expect(exported.text).toContain('jax.distributed.initialize');
    expect(exported.fileName).toBe('vlab_sum_cluster_100000x50000.py');
    expect(() => jaxExport({ ...grid, strategy: 'vmap', cluster: true })).toThrow(JaxExportError);
  });

  it('refuses a request that names no program, or two, in words', () => {
    expect(() => jaxExport({ ...grid, reduce: 'max', strategy: 'vmap' })).toThrow(
      'the max program writes every strategy of the reduction in one file: leave out the strategy',
    );
    expect(() => jaxExport({ ...grid })).toThrow("the grid's program is one strategy's: name the strategy");
    expect(() => jaxExport({ ...grid, reduce: 'mean', formula: 'x +' })).toThrow(FormulaError);
  });
});
