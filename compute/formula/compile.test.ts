import { describe, expect, it } from 'vitest';
import { compileFormula } from './compile.js';
import { evaluateFormulaScalar } from './evaluate.js';
import { FORMULA_PRESETS } from './presets.js';
import { jit } from '../transforms/jit.js';
import { makeJaxpr } from '../transforms/makeJaxpr.js';
import { printGraph } from '../core/graph.js';
import { linspace, meshgrid } from '../core/creation.js';
import type { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import { DEFAULT_FORMULA } from '../strategies/types.js';

describe('compiled formulas', () => {
  it('trace to the primitives the lesson expects: x^2 is integer_pow, numbers are literals', () => {
    const f = compileFormula(DEFAULT_FORMULA);
    const x = linspace(-2, 2, 3, { dtype: 'float32' });
    const text = printGraph(makeJaxpr((a: Value, b: Value) => f.fn(a, b))(x, x));
    expect(text).toMatch(/integer_pow\[y=2\]/);
    expect(text).toMatch(/cos/);
    expect(text).toMatch(/div/);
    expect(text).not.toMatch(/\bpow\b/);
  });

  it('lists the variables it uses', () => {
    expect(compileFormula('x + y').variables).toEqual(['x', 'y']);
    expect(compileFormula('sin(y)').variables).toEqual(['y']);
    expect(compileFormula('2 * pi').variables).toEqual([]);
  });

  it.each(FORMULA_PRESETS.map((p) => [p.name, p.formula]))(
    'preset %s: jitted grid equals the independent evaluator',
    (_name, text) => {
      const f = compileFormula(text);
      const axis = linspace(-2, 2, 9, { dtype: 'float64' });
      const [xs, ys] = meshgrid(axis, axis, { indexing: 'ij' });
      const z = jit((a: Value, b: Value) => f.fn(a, b))(xs, ys) as NDArray;
      const xv = xs.toTypedArray();
      const yv = ys.toTypedArray();
      const zv = z.toTypedArray();
      for (let i = 0; i < zv.length; i++) {
        const expected = evaluateFormulaScalar(f.ast, xv[i]!, yv[i]!);
        expect(Math.abs(zv[i]! - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
      }
    },
  );

  it('the lesson formula comes first among the presets', () => {
    expect(FORMULA_PRESETS[0]!.formula).toBe(DEFAULT_FORMULA);
  });
});
