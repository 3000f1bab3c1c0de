// Division by zero, logs of negatives, 0^-1 and overflow are behaviour, not
// accidents: every strategy on every backend puts NaN, +Inf and -Inf exactly
// where the float64 reference does (rounded to the dtype), and allclose
// treats them as NumPy does (equal_nan off: a grid with a NaN is not allclose).

import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../backends/backend.js';
import { backendStatus, loadBackends } from '../backends/registry.js';
import { runStrategy, strategyAvailability } from './run.js';
import { findStrategy } from './index.js';
import { RunTally } from '../../test/reliability/coverage.js';
import type { DType } from '../core/dtype.js';

const FORMULAS = [
  { formula: '1/x', has: ['posInf'] },
  { formula: '-1/x', has: ['negInf'] },
  { formula: 'log(x)', has: ['nan', 'negInf'] },
  { formula: 'x^-1 + y^-1', has: ['posInf'] },
  { formula: 'exp(400*x) - exp(400*y)', has: ['nan', 'posInf', 'negInf'] },
  { formula: 'sqrt(x) * 0', has: ['nan'] },
  { formula: '0 * log(x + 3)', has: [] },
] as const;

await loadBackends();
const backends = BACKEND_NAMES.filter((b) => backendStatus(b).available);
const tally = new RunTally('non-finite');

describe.each(backends)('non-finite values on the %s backend', (backend) => {
  it.each(FORMULAS.map((f) => [f.formula, f.has]))(
    '%s: every strategy agrees with the reference on where they are',
    async (formula, has) => {
      const available = (await strategyAvailability(backend)).filter((s) => s.available && s.strategy !== 'naive');
      for (const dtype of ['float64', 'float32'] as DType[]) {
        for (const n of [1, 2, 3, 5]) {
          const counts = new Map<string, string>();
          for (const { strategy } of available) {
            const { record } = await runStrategy({ strategy, n, dtype, backend, formula, repeats: 1 });
            const where = `${strategy} on ${backend} n=${n} ${dtype}`;
            // A strategy that takes no backend runs on its own, whichever backend this block is for.
            tally.count(findStrategy(strategy)?.takesBackend ? `${strategy} on ${backend}` : strategy);
            expect(record.nonFiniteMatch, where).toBe(true);
            // Strategies that computed in the same dtype (the GPU computes float64 requests in float32) agree exactly.
            counts.set(`${strategy} in ${record.computedDtype ?? dtype}`, JSON.stringify(record.nonFinite));
            if (record.nonFinite.nan > 0)
              expect(record.allclose, `${where}: NaN is never close (equal_nan off)`).toBe(false);
            if (n === 5) {
              // The 5-point grid holds 0 exactly, so each expected kind appears.
              for (const kind of has) expect(record.nonFinite[kind], `${where}: ${kind}`).toBeGreaterThan(0);
            }
          }
          for (const computed of new Set([...counts.keys()].map((key) => key.split(' in ')[1]))) {
            const group = [...counts].filter(([key]) => key.endsWith(` in ${computed}`)).map(([, c]) => c);
            expect(new Set(group).size, `n=${n} ${dtype}: ${JSON.stringify([...counts])}`).toBe(1);
          }
        }
      }
    },
  );
});

describe('coverage', () => {
  it('ran every strategy this machine can run, on every backend', async () => {
    await tally.check(['naive']);
  });
});

describe('tiny grids', () => {
  it('n = 1 is the single point (-2, -2); n = 2 the four corners', async () => {
    const one = await runStrategy(
      { strategy: 'vmap', n: 1, dtype: 'float64', formula: 'x + 10*y', backend: 'js' },
      { keepGrid: true },
    );
    expect(one.grid!.toList()).toEqual([[-22]]);
    const two = await runStrategy(
      { strategy: 'meshgrid', n: 2, dtype: 'float64', formula: 'x + 10*y', backend: 'js' },
      { keepGrid: true },
    );
    expect(two.grid!.toList()).toEqual([
      [-22, 18],
      [-18, 22],
    ]);
    one.grid!.dispose();
    two.grid!.dispose();
  });
});
