// The lesson's vmap step: f vectorized over y (the inner loop) and then over
// x (the outer loop), jitted into one fused kernel. Inputs stay flat: peak
// memory is the output plus two vectors.

import { itemSize } from '../core/dtype.js';
import { jit } from '../transforms/jit.js';
import { backendStatus } from '../backends/registry.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import type { Strategy } from './strategy.js';
import { timeCalls } from './timing.js';
import type { NDArray } from '../core/ndarray.js';
import { ANSWER_BYTES, answerFunction, isAnswer, packAnswer } from './answer.js';

export const vmapStrategy: Strategy = {
  name: 'vmap',
  description: 'vmap(vmap(f, in_axes=(None, 0)), in_axes=(0, None)) on flat x and y, jitted: no meshes',
  takesBackend: true,
  needs: 'cpu',
  availability: (backend) => backendStatus(backend),
  // Fused to a number, the grid is never stored: x, y and a few partials.
  predictBytes: ({ nx, ny }, dtype, _formula, reduce) =>
    (isAnswer(reduce) ? ANSWER_BYTES : nx * ny * itemSize(dtype)) + (nx + ny) * itemSize(dtype),
  async run(context) {
    const [x, y] = gridAxes(context.grid, context.dtype);
    const mode = context.reduce;
    if (isAnswer(mode)) {
      try {
        const fused = jit(answerFunction(gridOverAxes(gridFunction(context.formula)), mode), {
          backend: context.backend,
        });
        // A run to a number can take minutes (10¹⁰ points): its progress is the kernel's.
        const control = {
          ...(context.signal ? { signal: context.signal } : {}),
          onProgress: (f: number) => context.progress('first', f),
        };
        return await timeCalls({ ...context, fused: true }, async () =>
          packAnswer((await fused.run([x, y], control)) as NDArray[]),
        );
      } finally {
        x.dispose();
        y.dispose();
      }
    }
    const fVec = jit(gridOverAxes(gridFunction(context.formula)), { backend: context.backend });
    try {
      const signal = context.signal;
      const timed = await timeCalls(context, async () => (await fVec.run([x, y], signal ? { signal } : {})) as NDArray);
      return timed;
    } finally {
      x.dispose();
      y.dispose();
    }
  },
};
