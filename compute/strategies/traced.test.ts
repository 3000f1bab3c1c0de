import { describe, expect, it } from 'vitest';
import { compileFormula } from '../formula/index.js';
import { STRATEGIES } from './index.js';
import { traceStrategies } from './traced.js';
import { loadAddon } from '../backends/nativeAddon.js';

const LESSON_F = 'cos(x^2 + y^2) / (1 + x^2 + y^2)';

describe('a trace and the domain', () => {
  it("is the same on any domain: x and y are the graph's inputs, their values are not in it (so vlab trace takes no --x-range)", () => {
    const f = compileFormula(LESSON_F);
    const square = traceStrategies(f, { nx: 40, ny: 30, xRange: [-2, 2], yRange: [-2, 2] }, 'float32');
    const moved = traceStrategies(f, { nx: 40, ny: 30, xRange: [-7, 0.5], yRange: [100, 1e6] }, 'float32');
    expect(moved).toEqual(square);
  });
});

describe('the traced graphs of f, per strategy', () => {
  const view = traceStrategies(compileFormula(LESSON_F), 300, 'float32');

  it('covers every strategy once, each with the shapes it calls f at', () => {
    expect(view.graphs.flatMap((g) => g.strategies).sort()).toEqual(STRATEGIES.map((s) => s.name).sort());
    const [loops, naive, meshgrid, vmap] = view.graphs;
    expect(loops!.jaxpr.split('\n')[0]).toBe('{ lambda ; a:f32[] b:f32[]. let');
    expect(naive!.jaxpr.split('\n')[0]).toBe('{ lambda ; a:f32[300] b:f32[300]. let');
    expect(meshgrid!.jaxpr.split('\n')[0]).toBe('{ lambda ; a:f32[300,300] b:f32[300,300]. let');
    expect(vmap!.jaxpr.split('\n')[0]).toBe('{ lambda ; a:f32[300] b:f32[300]. let');
    expect(loops!.note).toContain('90,000 separate calls');
  });

  it('shows the nested vmap computing x² once per row and broadcasting it, as JAX batches it', () => {
    const vmap = view.graphs.find((g) => g.strategies.includes('vmap'))!;
    expect(vmap.jaxpr).toContain('c:f32[300] = integer_pow[y=2] a');
    expect(vmap.jaxpr).toMatch(/broadcast_in_dim\[shape=\(300, 1\) broadcast_dimensions=\(0,\)\]/);
    expect(vmap.jaxpr).toMatch(/:f32\[300,300\] = div /);
    // The loop body and the batched graph do the same arithmetic, plus the broadcasts.
    const loops = view.graphs[0]!;
    expect(vmap.equations - loops.equations).toBe((vmap.jaxpr.match(/broadcast_in_dim/g) ?? []).length);
  });

  it('lowers the vmap graph to one fused kernel: WGSL for the GPU, bytecode for the native VM', () => {
    expect(view.lowered.kernels).toBe(1);
    expect(view.lowered.wgsl).toContain('@compute @workgroup_size(64)');
    expect(view.lowered.wgsl).toContain('vlab_cos(');
    if (loadAddon().addon) {
      expect(view.lowered.native).toMatchObject({ ok: true });
      const bytecode = (view.lowered.native as { bytecode: string }).bytecode;
      expect(bytecode).toMatch(/^; v1 f32 rank 2 inputs 2/);
      expect(bytecode).toMatch(/d1 +r\d+ = INTEGER_POW r\d+, 2/);
      expect(bytecode).toMatch(/d2 +r\d+ = COS r\d+/);
    } else {
      expect(view.lowered.native).toMatchObject({ ok: false, reason: expect.any(String) });
    }
  });

  it('traces at any n without computing: n = 20000 answers with the same graph', () => {
    const big = traceStrategies(compileFormula(LESSON_F), 20000, 'float64');
    expect(big.graphs[3]!.jaxpr).toContain('f64[20000,20000]');
    expect(big.graphs[3]!.equations).toBe(view.graphs[3]!.equations);
  });
});

describe('the traced graphs on a rectangular grid (nx = 300, ny = 200)', () => {
  const view = traceStrategies(
    compileFormula(LESSON_F),
    { nx: 300, ny: 200, xRange: [-3, 1], yRange: [0, 2] },
    'float32',
  );

  it('traces x at nx points, y at ny, the meshes and the result at (nx, ny)', () => {
    const [, , meshgrid, vmap] = view.graphs;
    expect([view.nx, view.ny]).toEqual([300, 200]);
    expect(meshgrid!.jaxpr.split('\n')[0]).toBe('{ lambda ; a:f32[300,200] b:f32[300,200]. let');
    expect(vmap!.jaxpr.split('\n')[0]).toBe('{ lambda ; a:f32[300] b:f32[200]. let');
    expect(vmap!.jaxpr).toMatch(/:f32\[300,200\] = div /);
  });

  it("gives naive JAX's shape error instead of a graph: the first op mixing x and y cannot broadcast", () => {
    const naive = view.graphs.find((g) => g.strategies.includes('naive'))!;
    expect(naive.error).toBe('TypeError: add got incompatible shapes for broadcasting: (300,), (200,).');
    expect(naive.jaxpr).toBe('');
  });
});

describe('the traced graph of a number output', () => {
  it('adds the fused reduction after the vmap graph, at a size no grid of it fits in memory', () => {
    const f = compileFormula(LESSON_F);
    const plain = traceStrategies(f, 100_000, 'float32');
    const view = traceStrategies(f, 100_000, 'float32', 'max');
    expect(view.graphs.slice(0, plain.graphs.length)).toEqual(plain.graphs);
    const fused = view.graphs.at(-1)!;
    expect(fused.strategies).toEqual(['vmap', 'pmap']);
    expect(fused.reduce).toBe('max');
    expect(plain.graphs.every((g) => g.reduce === undefined)).toBe(true);
    expect(fused.call).toMatch(/^jnp\.max\(jax\.vmap\(/);
    expect(fused.note).toContain('lax.pmax');
    // The map's graph, then the max and its location: 0-d outputs, the grid only an intermediate.
    expect(fused.jaxpr).toContain('f32[100000,100000]');
    expect(fused.jaxpr).toMatch(/:f32\[\] = reduce_max/);
    expect(fused.jaxpr).toMatch(/= argmax/);
    expect(fused.equations).toBeGreaterThan(plain.graphs[3]!.equations);
  });

  it('adds nothing for the grid output', () => {
    const f = compileFormula('x * y');
    expect(traceStrategies(f, 50, 'float32', 'grid')).toEqual(traceStrategies(f, 50, 'float32'));
    const sum = traceStrategies(f, 50, 'float32', 'sum').graphs.at(-1)!;
    expect(sum.call).toMatch(/^jnp\.sum\(/);
    expect(sum.note).toContain('lax.psum');
  });
});
