// An op whose vector function misses an edge of its domain (atan2 and hypot at
// zero, float exp past 88) recomputes those lanes with its scalar kernel after
// the vector pass, from its inputs. Where the register allocator gives the
// output a dead input's register, the vector pass overwrites that input first:
// the edge pass must still see the input, not the output.

import { describe, expect, it } from 'vitest';
import { runStrategy } from '../index.js';
import { loadAddon } from './nativeAddon.js';

const loaded = loadAddon();

describe.skipIf(!loaded.addon)('native edge lanes where the output reuses an input register', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives f(0, 0) from the edge's scalar kernel, ${dtype}`, async () => {
      // n = 13 puts x = y = 0 at (6, 6); each op's result feeds another, so its register is reused.
      for (const [formula, atOrigin] of [
        ['sin(5*atan2(y, x)) + 1', 1],
        ['exp(-hypot(x, y))', 1],
        ['atan2(y, x) * 2 + hypot(x, y)', 0],
      ] as const) {
        const { grid } = await runStrategy({ strategy: 'vmap', n: 13, dtype, formula, repeats: 0 }, { keepGrid: true });
        expect(grid!.toTypedArray()[6 * 13 + 6], formula).toBe(atOrigin);
        grid!.dispose();
      }
    });
  }
});
