// The lesson's mistake, kept on purpose: f(x, y) on the flat vectors gives
// f(x[i], y[i]) — the grid's diagonal, shape (n,) — not the (n, n) grid.

import { itemSize } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { jit } from '../transforms/jit.js';
import { backendStatus } from '../backends/registry.js';
import { gridAxis, gridFunction } from './grid.js';
import type { Strategy } from './strategy.js';
import { timeCalls } from './timing.js';

export const naiveStrategy: Strategy = {
  name: 'naive',
  description: 'f(x, y) on the flat vectors: shape (n,), the wrong answer on purpose',
  takesBackend: true,
  availability: (backend) => backendStatus(backend),
  predictBytes: (n, dtype) => 3 * n * itemSize(dtype),
  async run(context) {
    const f = jit(gridFunction(context.formula), { backend: context.backend });
    const x = gridAxis(context.n, context.dtype);
    const y = gridAxis(context.n, context.dtype);
    try {
      const timed = await timeCalls(context, async () => (await f.run([x, y])) as NDArray);
      return { ...timed, note: `shape (${context.n},) is not the grid's (${context.n}, ${context.n}): it holds only f(x[i], y[i]), the diagonal` };
    } finally {
      x.dispose();
      y.dispose();
    }
  },
};
