// What the engine sees: f traced as each strategy calls it (a jaxpr-like
// graph, as jax.make_jaxpr prints), and the nested-vmap graph lowered to what
// the backends run — one fused kernel, as WGSL for the GPU and as the native
// evaluator's bytecode. Tracing only: nothing is computed, nothing is
// allocated but the graph, so it answers at any nx × ny. On a rectangular
// grid the naive call cannot be traced at all: its entry carries JAX's shape
// error instead of a graph.

import type { DType } from '../core/dtype.js';
import { printGraph, type Graph } from '../core/graph.js';
import { fuseGraph } from '../backends/fuse.js';
import { loadAddon } from '../backends/nativeAddon.js';
import { disassemble, lowerKernel, opcodeTable } from '../backends/nativeBytecode.js';
import { wgslKernel } from '../backends/wgsl.js';
import type { CompiledFormula } from '../formula/index.js';
import { makeJaxpr } from '../transforms/makeJaxpr.js';
import { ShapeError } from '../core/shape.js';
import { gridFunction, gridOverAxes, gridSpecOf } from './grid.js';
import type { GridSpec, ReduceMode, StrategyName } from './types.js';
import { answerFunction, isAnswer } from './answer.js';

export interface TracedGraph {
  /** The strategies that call f this way. */
  strategies: StrategyName[];
  /** How f is called, in the lesson's Python. */
  call: string;
  /** What to notice in this graph. */
  note: string;
  /** The graph as text: `{ lambda ; a:f32[] b:f32[]. let … in (i) }`; empty when tracing raised `error`. */
  jaxpr: string;
  equations: number;
  /** The shape error tracing raised, as JAX words it (naive on nx ≠ ny). */
  error?: string;
  /** The reduction this graph ends in, for a number output (the map's graphs have none). */
  reduce?: Exclude<ReduceMode, 'grid'>;
}

export interface TracedView {
  nx: number;
  ny: number;
  dtype: DType;
  graphs: TracedGraph[];
  /** The nested-vmap graph as the backends run it. */
  lowered: {
    /** Fused kernels: one per output. */
    kernels: number;
    /** WGSL has no float64: the GPU kernel is always traced at float32. */
    wgsl: string;
    native: { ok: true; bytecode: string } | { ok: false; reason: string };
  };
}

const WORKGROUP_SIZE = 64;

function describe(graph: Graph, strategies: StrategyName[], call: string, note: string): TracedGraph {
  return {
    strategies,
    call,
    note,
    jaxpr: printGraph(graph),
    equations: graph.equations.length,
  };
}

/** The naive call traced on x of nx and y of ny points: a graph when they pair up, JAX's shape error when not. */
function describeNaive(
  f: ReturnType<typeof gridFunction>,
  nx: number,
  ny: number,
  dtype: DType,
  points: string,
): TracedGraph {
  const call = 'f(x, y)';
  try {
    const graph = makeJaxpr(f)({ shape: [nx], dtype }, { shape: [ny], dtype });
    return describe(
      graph,
      ['naive'],
      call,
      `The same equations on two vectors of ${nx}: elementwise, so the result pairs x[i] with y[i], the grid's ` +
        `diagonal, not its ${points} points.`,
    );
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    return {
      strategies: ['naive'],
      call,
      note:
        `x has ${nx} points and y ${ny}: elementwise f(x, y) cannot pair them, so tracing stops at the first ` +
        `operation that mixes x and y, as in JAX.`,
      jaxpr: '',
      equations: 0,
      error: `TypeError: ${error.message}`,
    };
  }
}

/** jnp's name of each reduction, as the call is shown. */
const JNP_REDUCTION: Record<Exclude<ReduceMode, 'grid'>, { call: string; collective: string }> = {
  max: { call: 'jnp.max', collective: 'lax.pmax' },
  min: { call: 'jnp.min', collective: 'lax.pmin' },
  sum: { call: 'jnp.sum', collective: 'lax.psum' },
  // The devices' sums are added, then divided once by the points.
  mean: { call: 'jnp.mean', collective: 'lax.psum' },
};

/**
 * The graphs at a grid given as its side (square) or as nx × ny. With a number output (`reduce`), the
 * nested-vmap graph followed by the reduction is traced too: what vmap and pmap jit, fused, so no grid is
 * written — the graph is the same at any size, so it answers past the grid's memory limit.
 */
export function traceStrategies(
  formula: CompiledFormula,
  gridOrN: number | GridSpec,
  dtype: DType,
  reduce?: ReduceMode,
): TracedView {
  const { nx, ny } = gridSpecOf(gridOrN);
  const f = gridFunction(formula);
  const scalar = { shape: [], dtype };
  const xAxis = { shape: [nx], dtype };
  const yAxis = { shape: [ny], dtype };
  const mesh = { shape: [nx, ny], dtype };
  const overAxes = gridOverAxes(f);
  const vmapGraph = makeJaxpr(overAxes)(xAxis, yAxis);
  const points = (nx * ny).toLocaleString('en-US');
  const repeats = nx === ny ? `${nx} times over` : `${ny} and ${nx} times over`;
  const graphs = [
    describe(
      makeJaxpr(f)(scalar, scalar),
      ['loops'],
      'f(x[i], y[j])',
      `Scalars in, a scalar out: these equations run once per point, in ${points} separate calls.`,
    ),
    describeNaive(f, nx, ny, dtype, points),
    describe(
      makeJaxpr(f)(mesh, mesh),
      ['meshgrid', 'meshgrid-eager', 'numpy'],
      "f(*jnp.meshgrid(x, y, indexing='ij'))",
      `Every equation works on ${nx}×${ny} arrays, the inputs included: the two meshes hold each x and y value ` +
        `${repeats}.`,
    ),
    describe(
      vmapGraph,
      ['vmap', 'pmap', 'gpu', 'jax-vmap', 'jax-pmap'],
      'jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))(x, y)',
      `vmap batched the scalar graph: what depends on x alone stays a vector of ${nx} and is broadcast ` +
        `(broadcast_in_dim), so no mesh is built; pmap runs this graph on each device’s rows.`,
    ),
  ];

  if (isAnswer(reduce)) {
    const { call, collective } = JNP_REDUCTION[reduce];
    const located = reduce === 'max' || reduce === 'min' ? ` and jnp.arg${reduce}` : '';
    graphs.push({
      reduce,
      ...describe(
        makeJaxpr(answerFunction(overAxes, reduce))(xAxis, yAxis),
        ['vmap', 'pmap'],
        `${call}(jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))(x, y))`,
        `The grid's ${reduce}${located} at the end of vmap's graph: under jit the map and the reduction fuse ` +
          `into one loop with an accumulator, so the ${points} values are never written; pmap reduces each ` +
          `device's rows, then combines the partials (${collective}).`,
      ),
    });
  }

  const kernels = fuseGraph(vmapGraph);
  // WGSL has no float64: a float64 request is traced again at float32 for the GPU.
  const gpuKernel =
    dtype === 'float32'
      ? kernels[0]!
      : fuseGraph(makeJaxpr(overAxes)({ shape: [nx], dtype: 'float32' }, { shape: [ny], dtype: 'float32' }))[0]!;
  const wgsl = wgslKernel(gpuKernel, WORKGROUP_SIZE, 'rows').source;
  const loaded = loadAddon();
  let native: TracedView['lowered']['native'];
  if (loaded.addon) {
    const entries = loaded.addon.opcodes();
    native = {
      ok: true,
      bytecode: disassemble(lowerKernel(kernels[0]!, vmapGraph.inputs.length, opcodeTable(entries)), entries),
    };
  } else {
    native = { ok: false, reason: loaded.reason };
  }
  return { nx, ny, dtype, graphs, lowered: { kernels: kernels.length, wgsl, native } };
}
