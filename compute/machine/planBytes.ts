// The bytes a strategy's plan moves, as the roofline counts them: meshes
// written and read, each eager temporary, the output, and what a reduction to
// a number reads instead. A model, not counters: what the plan must move at
// least, caches aside. Pure arithmetic over graphs; measures nothing.

import { itemSize, type DType } from '../core/dtype.js';
import type { Graph } from '../core/graph.js';
import { isElementwise } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';
import { traceFunction } from '../core/trace.js';
import type { CompiledFormula } from '../formula/index.js';
import { gridFunction } from '../strategies/grid.js';
import { FUSED_TO_A_NUMBER } from '../strategies/answer.js';
import type { ReduceMode, StrategyName } from '../strategies/types.js';
import { pointsEvaluated } from '../strategies/pointsEvaluated.js';

/** f traced on two nx × ny meshes: the graph every strategy evaluates per point (and meshgrid-eager op by op). */
export function meshGraph(formula: CompiledFormula, nx: number, ny: number, dtype: DType): Graph {
  const shape = [nx, ny];
  return traceFunction(gridFunction(formula), [
    { shape, dtype },
    { shape, dtype },
  ]).graph;
}

/**
 * Bytes the eager evaluation of a graph reads and writes: each operation reads its array operands and writes its
 * result.
 */
export function eagerTraffic(graph: Graph): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const eqn of graph.equations) {
    // Structural primitives are views: their consumer reads the data.
    if (!isElementwise(eqn.primitive)) continue;
    for (const a of eqn.inputs) if (a.kind === 'var') read += sizeOf(a.aval.shape) * itemSize(a.aval.dtype);
    written += sizeOf(eqn.out.aval.shape) * itemSize(eqn.out.aval.dtype);
  }
  return { read, written };
}

export interface PlanBytes {
  /** The plan's bytes: everything the strategy writes and reads from x and y to z. */
  plan: number;
  /** What the timed calls move (meshes are built before the first call, so they are in plan, not here). */
  timed: number;
  /** Of `timed`, the bytes written (the rest are read). */
  timedWritten: number;
}

/**
 * The bytes of each strategy's plan, keyed by strategy: every strategy must say (a missing one is a compile error).
 * To a number (`reduce` not 'grid'), a fused plan (loops' running value, vmap, pmap, gpu, JAX's jit) writes no
 * grid: it reads x and y and keeps partials in registers; a plan that builds the grid then also reads it once
 * to reduce it (naive, its vector).
 */
export function planBytes(
  strategy: StrategyName | 'limit',
  nx: number,
  ny: number,
  dtype: DType,
  formula: CompiledFormula | null,
  reduce: ReduceMode = 'grid',
): PlanBytes {
  const grid = gridPlanBytes(strategy, nx, ny, dtype, formula);
  if (reduce === 'grid' || strategy === 'limit') return grid;
  const s = itemSize(dtype);
  if (FUSED_TO_A_NUMBER.includes(strategy as StrategyName) || strategy === 'jax-vmap' || strategy === 'jax-pmap') {
    const axes = (nx + ny) * s;
    return { plan: axes, timed: axes, timedWritten: 0 };
  }
  const built = strategy === 'naive' ? Math.min(nx, ny) * s : nx * ny * s;
  return { plan: grid.plan + built, timed: grid.timed + built, timedWritten: grid.timedWritten };
}

function gridPlanBytes(
  strategy: StrategyName | 'limit',
  nx: number,
  ny: number,
  dtype: DType,
  formula: CompiledFormula | null,
): PlanBytes {
  const s = itemSize(dtype);
  const points = nx * ny;
  const axes = (nx + ny) * s;
  const out = points * s;
  // Building the meshes reads x and y and writes two nx × ny arrays.
  const meshes = axes + 2 * out;
  switch (strategy) {
    case 'limit':
      // The floor writes z and nothing else.
      return { plan: out, timed: out, timedWritten: out };
    case 'loops':
    case 'vmap':
    case 'pmap':
    case 'jax-vmap':
    case 'jax-pmap':
      // x and y are read (each row's x once, y from cache), z written once.
      return { plan: axes + out, timed: axes + out, timedWritten: out };
    case 'gpu':
      // The kernel writes float32 on the device; the timed call also reads it back into z.
      return { plan: axes + 2 * points * 4, timed: axes + 2 * points * 4, timedWritten: 2 * points * 4 };
    case 'naive': {
      // f on the flat vectors: n points, not a grid (nx = ny, else a shape error).
      const n = pointsEvaluated(strategy, { nx, ny });
      return { plan: 3 * n * s, timed: 3 * n * s, timedWritten: n * s };
    }
    case 'meshgrid':
      // The fused kernel reads both meshes and writes z.
      return { plan: meshes + 3 * out, timed: 3 * out, timedWritten: out };
    case 'meshgrid-eager':
    case 'numpy': {
      const traffic = formula ? eagerTraffic(meshGraph(formula, nx, ny, dtype)) : { read: 2 * out, written: out };
      return {
        plan: meshes + traffic.read + traffic.written,
        timed: traffic.read + traffic.written,
        timedWritten: traffic.written,
      };
    }
    default:
      return strategy satisfies never;
  }
}
