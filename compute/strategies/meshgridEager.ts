// meshgrid evaluated the NumPy way: every operation of f allocates its
// result, and a temporary is freed after its last use (NumPy's reference
// counting). The peak is the meshes plus the temporaries alive at once.
// Each operation is one single-threaded loop — native by default, as a NumPy
// ufunc is compiled C, js where the addon is missing — and none is fused
// with another: what it measures against meshgrid is what fusion buys.

import { itemSize } from '../core/dtype.js';
import { meshgrid } from '../core/creation.js';
import type { Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';
import { traceFunction } from '../core/trace.js';
import { isElementwise } from '../core/primitives.js';
import { throwIfCancelled } from '../backends/backend.js';
import { backendStatus } from '../backends/registry.js';
import { evalGraphEagerAsync } from '../transforms/interpret.js';
import { gridAxes, gridFunction } from './grid.js';
import type { Strategy } from './strategy.js';
import { timeCalls } from './timing.js';

/** The most bytes the eager evaluation of a graph holds at once in intermediates (outputs included). */
export function eagerPeakBytes(graph: Graph): number {
  const lastUse = new Map<number, number>();
  graph.equations.forEach((eqn, i) => eqn.inputs.forEach((a) => a.kind === 'var' && lastUse.set(a.id, i)));
  const outputs = new Set(graph.outputs.flatMap((a) => (a.kind === 'var' ? [a.id] : [])));
  const bytes = new Map<number, number>();
  let live = 0;
  let peak = 0;
  graph.equations.forEach((eqn, i) => {
    // Structural primitives are views: they allocate nothing.
    const size = isElementwise(eqn.primitive) ? sizeOf(eqn.out.aval.shape) * itemSize(eqn.out.aval.dtype) : 0;
    bytes.set(eqn.out.id, size);
    live += size;
    peak = Math.max(peak, live);
    for (const a of eqn.inputs) {
      if (a.kind === 'var' && lastUse.get(a.id) === i && !outputs.has(a.id)) live -= bytes.get(a.id) ?? 0;
    }
  });
  return peak;
}

export const meshgridEagerStrategy: Strategy = {
  name: 'meshgrid-eager',
  description: 'meshgrid, then f op by op as NumPy does: one nx×ny temporary per operation',
  takesBackend: true,
  needs: 'cpu',
  availability: (backend) =>
    backend === 'webgpu'
      ? {
          available: false,
          reason: 'meshgrid-eager runs op by op on the CPU, as NumPy does: use the native or js backend',
        }
      : backendStatus(backend),
  predictBytes({ nx, ny }, dtype, formula) {
    const shape = [nx, ny];
    const traced = traceFunction(gridFunction(formula), [
      { shape, dtype },
      { shape, dtype },
    ]);
    return (2 * nx * ny + nx + ny) * itemSize(dtype) + eagerPeakBytes(traced.graph);
  },
  async run(context) {
    const backend = context.backend === 'native' ? 'native' : 'js';
    const f = gridFunction(context.formula);
    const [x, y] = gridAxes(context.grid, context.dtype);
    const [xMesh, yMesh] = meshgrid(x, y, { indexing: 'ij' });
    try {
      const call = async () => {
        throwIfCancelled(context.signal);
        const traced = traceFunction(
          f,
          [xMesh, yMesh].map((m) => ({ shape: m.shape, dtype: m.dtype })),
        );
        const consts = traced.consts as NDArray[];
        const [out] = await evalGraphEagerAsync(
          traced.graph,
          [...consts, xMesh, yMesh],
          context.signal ? { signal: context.signal } : {},
          backend,
        );
        // A graph whose output is one of its inputs still owes the caller its own array.
        return out instanceof NDArray && out !== xMesh && out !== yMesh ? out : (out as NDArray).copy();
      };
      return { ...(await timeCalls(context, call)), backend };
    } finally {
      for (const a of [x, y, xMesh, yMesh]) a.dispose();
    }
  },
};
