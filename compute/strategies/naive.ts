// The lesson's mistake, kept on purpose: f(x, y) on the flat vectors gives
// f(x[i], y[i]) — the grid's diagonal, shape (n,) — not the (n, n) grid.
// On a rectangular grid (nx ≠ ny) the mistake cannot even run: the first
// operation that mixes x and y raises JAX's shape error at trace time
// ("add got incompatible shapes for broadcasting: (300,), (200,)."), and the
// runner records that error as the step's result.

import { itemSize } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { jit } from '../transforms/jit.js';
import { backendStatus } from '../backends/registry.js';
import { gridAxes, gridFunction } from './grid.js';
import type { Strategy } from './strategy.js';
import { timeCalls } from './timing.js';

export const naiveStrategy: Strategy = {
  name: 'naive',
  description: 'f(x, y) on the flat vectors: shape (n,), the wrong answer on purpose',
  takesBackend: true,
  needs: 'cpu',
  availability: (backend) => backendStatus(backend),
  // x, y and, when they broadcast (nx = ny), the vector result.
  predictBytes: ({ nx, ny }, dtype) => (nx + ny + (nx === ny ? nx : 0)) * itemSize(dtype),
  async run(context) {
    const f = jit(gridFunction(context.formula), { backend: context.backend });
    const [x, y] = gridAxes(context.grid, context.dtype);
    const { nx, ny } = context.grid;
    try {
      const timed = await timeCalls(context, async () => (await f.run([x, y])) as NDArray);
      return {
        ...timed,
        note: `shape (${nx},) is not the grid's (${nx}, ${ny}): it holds only f(x[i], y[i]), the diagonal`,
      };
    } finally {
      x.dispose();
      y.dispose();
    }
  },
};
