// The WGSL emitter without a GPU: every primitive has an emitter, the source
// carries no sizes (one pipeline for every n), helpers come before their
// users, and special constants never appear as literals WGSL would reject.

import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_PRIMITIVES, arity } from '../core/primitives.js';
import { traceFunction, type Value } from '../core/trace.js';
import * as np from '../ops.js';
import { vmap } from '../transforms/vmap.js';
import { fuseGraph } from './fuse.js';
import { emitPrimitive, helpersFor, wgslKernel, wgslNumber, wgslNumericsNotes } from './wgsl.js';
import { treeWorkgroupSize, wgslReduction } from './wgslReduce.js';

const lesson = (x: Value, y: Value) => {
  const r = np.add(np.square(x), np.square(y));
  return np.div(np.cos(r), np.add(1, r));
};
const grid = vmap(vmap(lesson, { inAxes: [null, 0] }), { inAxes: [0, null] });

function sourceFor(n: number, m: number): string {
  const graph = traceFunction(grid, [
    { shape: [n], dtype: 'float32' },
    { shape: [m], dtype: 'float32' },
  ]).graph;
  return wgslKernel(fuseGraph(graph, [[false], [false]])[0]!, 256).source;
}

describe('the WGSL emitter', () => {
  it('has an emitter for every elementwise primitive', () => {
    for (const primitive of ELEMENTWISE_PRIMITIVES) {
      const args = arity(primitive) === 2 ? ['a', 'b'] : ['a'];
      const params = primitive === 'integer_pow' ? { y: 5 } : {};
      expect(emitPrimitive(primitive, args, params), primitive).toMatch(/a/);
    }
  });

  it('emits every primitive to a shader whose helpers all exist, each after the helpers it calls', () => {
    for (const primitive of ELEMENTWISE_PRIMITIVES) {
      const code = emitPrimitive(
        primitive,
        arity(primitive) === 2 ? ['a', 'b'] : ['a'],
        primitive === 'integer_pow' ? { y: 5 } : {},
      );
      const helpers = helpersFor(`let t = ${code};`);
      for (const [, name] of code.matchAll(/\b(vlab_[a-z0-9_]+)\(/g))
        expect(helpers, `${primitive} calls ${name}`).toContain(`fn ${name}(`);
    }
    expect(() => helpersFor('let t = vlab_no_such_helper(a);')).toThrow(/no helper named vlab_no_such_helper/);
  });

  it('notes the numerics of the primitives a graph uses where the GPU differs from NumPy, and only those', () => {
    expect(wgslNumericsNotes(['add', 'mul', 'neg', 'sqrt', 'floor', 'sign', 'log2'])).toEqual([]);
    const notes = wgslNumericsNotes(['mod', 'atan2', 'add']);
    expect(notes).toHaveLength(2);
    expect(notes.join(' ')).toMatch(/atan2: .*4096 ulp.*mod: NumPy's \(the divisor's sign\)/);
    for (const note of notes) expect(note).not.toContain(';');
  });

  it('keeps sizes out of the source: the same shader for every n', () => {
    expect(sourceFor(37, 53)).toBe(sourceFor(1000, 6000));
    expect(sourceFor(37, 53)).not.toMatch(/\b(37|53)\b/);
  });

  it('reads the two flat inputs by index (no mesh) and splits the flat index once', () => {
    const source = sourceFor(8, 9);
    expect(source.match(/var<storage, read> in\d/g)).toHaveLength(2);
    expect(source.match(/ % /g)).toHaveLength(1);
  });

  it('row indexing takes the column and row from the dispatch: no index division for a grid', () => {
    const graph = traceFunction(grid, [
      { shape: [8], dtype: 'float32' },
      { shape: [9], dtype: 'float32' },
    ]).graph;
    const source = wgslKernel(fuseGraph(graph, [[false], [false]])[0]!, 256, 'rows').source;
    expect(source).toMatch(/let i1 = col;/);
    expect(source).toMatch(/let i0 = flat;/);
    expect(source).not.toMatch(/ % |flat \/ /);
  });

  it('defines each helper before the code that calls it', () => {
    const code = helpersFor('vlab_pow(a, b) + vlab_cos(c)');
    const order = ['fn vlab_is_nan', 'fn vlab_nan', 'fn vlab_pow', 'fn vlab_trig_reduce', 'fn vlab_cos('].map((name) =>
      code.indexOf(name),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order[0]).toBeLessThan(order[2]!);
    expect(order[3]).toBeLessThan(order[4]!);
  });

  it('writes NaN and infinities through helpers, and every finite constant as an f32 literal', () => {
    expect(wgslNumber(NaN)).toBe('vlab_nan()');
    expect(wgslNumber(Infinity)).toBe('vlab_inf()');
    expect(wgslNumber(-1e39)).toBe('(-vlab_inf())');
    expect(wgslNumber(0.1)).toBe(`${Math.fround(0.1)}f`);
    expect(wgslNumber(-2)).toBe('(-2.0f)');
    expect(wgslNumber(3.4028234663852886e38)).toMatch(/^3\.40282346\d*e\+38f$/);
  });

  it('emits a map-reduce as two shaders: sizes out of the source, a barrier per tree level, the map never stored', () => {
    const source = (n: number, m: number, workgroupSize: number) => {
      const graph = traceFunction(
        (x: Value, y: Value) => [np.max(grid(x, y) as Value)],
        [
          { shape: [n], dtype: 'float32' },
          { shape: [m], dtype: 'float32' },
        ],
      ).graph;
      return wgslReduction(fuseGraph(graph, [[false], [false]])[0]!, workgroupSize);
    };
    const reduction = source(37, 53, 256);
    expect(reduction.pass1).toBe(source(1000, 6000, 256).pass1);
    expect(reduction.pass1).not.toMatch(/\b(37|53)\b/);
    // log2(256) levels, each ending in a barrier, after the one that publishes the accumulators.
    expect(reduction.pass1.match(/workgroupBarrier\(\)/g)).toHaveLength(2);
    expect(reduction.pass1).toMatch(/for \(var half = 128u; half > 0u; half = half >> 1u\)/);
    expect(reduction.pass1).not.toMatch(/\bout\[/);
    expect(reduction.pass2).toMatch(/results\[wid\.y\] = scratch\[0\]/);
    // A workgroup size that is not a power of two is rounded down: the tree halves it.
    expect(source(5, 5, 100).workgroupSize).toBe(64);
    expect(treeWorkgroupSize(1)).toBe(1);
  });
});
