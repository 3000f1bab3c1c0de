// The lesson's meshgrid step: materialize the coordinate meshes, then one
// jitted (fused) call of f on them. The meshes are what costs the memory.
// indexing='ij' so that z[i, j] = f(x[i], y[j]) like the loop; with NumPy's
// default 'xy' the grid comes out transposed — shape (ny, nx) — which only a
// square grid and a symmetric f hide.

import { itemSize } from '../core/dtype.js';
import { meshgrid } from '../core/creation.js';
import type { NDArray } from '../core/ndarray.js';
import { jit } from '../transforms/jit.js';
import { backendStatus } from '../backends/registry.js';
import { gridAxes, gridFunction } from './grid.js';
import type { Strategy } from './strategy.js';
import { timeCalls } from './timing.js';

export const meshgridStrategy: Strategy = {
  name: 'meshgrid',
  description: "x_mesh, y_mesh = meshgrid(x, y, indexing='ij'); jit(f)(x_mesh, y_mesh): fused, but two nx×ny meshes",
  takesBackend: true,
  needs: 'cpu',
  availability: (backend) => backendStatus(backend),
  predictBytes: ({ nx, ny }, dtype) => (3 * nx * ny + nx + ny) * itemSize(dtype),
  async run(context) {
    const f = jit(gridFunction(context.formula), { backend: context.backend });
    const [x, y] = gridAxes(context.grid, context.dtype);
    const [xMesh, yMesh] = meshgrid(x, y, { indexing: 'ij' });
    try {
      const signal = context.signal;
      return await timeCalls(context, async () => (await f.run([xMesh, yMesh], signal ? { signal } : {})) as NDArray);
    } finally {
      for (const a of [x, y, xMesh, yMesh]) a.dispose();
    }
  },
};
