// What the engine sees: f traced as each strategy calls it (a jaxpr-like
// graph, as jax.make_jaxpr prints), and the nested-vmap graph lowered to what
// the backends run — one fused kernel, as WGSL for the GPU and as the native
// evaluator's bytecode. Tracing only: nothing is computed, nothing is
// allocated but the graph, so it answers at any n.

import type { DType } from '../core/dtype.js';
import { printGraph, type Graph } from '../core/graph.js';
import { fuseGraph } from '../backends/fuse.js';
import { loadAddon } from '../backends/nativeAddon.js';
import { disassemble, lowerKernel, opcodeTable } from '../backends/nativeBytecode.js';
import { wgslKernel } from '../backends/wgsl.js';
import type { CompiledFormula } from '../formula/index.js';
import { makeJaxpr } from '../transforms/makeJaxpr.js';
import { gridFunction, gridOverAxes } from './grid.js';
import type { StrategyName } from './types.js';

export interface TracedGraph {
  /** The strategies that call f this way. */
  strategies: StrategyName[];
  /** How f is called, in the lesson's Python. */
  call: string;
  /** What to notice in this graph. */
  note: string;
  /** The graph as text: `{ lambda ; a:f32[] b:f32[]. let … in (i) }`. */
  jaxpr: string;
  equations: number;
}

export interface TracedView {
  n: number;
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

export function traceStrategies(formula: CompiledFormula, n: number, dtype: DType): TracedView {
  const f = gridFunction(formula);
  const scalar = { shape: [], dtype };
  const axis = { shape: [n], dtype };
  const mesh = { shape: [n, n], dtype };
  const overAxes = gridOverAxes(f);
  const vmapGraph = makeJaxpr(overAxes)(axis, axis);
  const points = (n * n).toLocaleString('en-US');
  const graphs = [
    describe(makeJaxpr(f)(scalar, scalar), ['loops'], 'f(x[i], y[j])', `Scalars in, a scalar out: these equations run once per point, in ${points} separate calls.`),
    describe(makeJaxpr(f)(axis, axis), ['naive'], 'f(x, y)', `The same equations on two vectors of ${n}: elementwise, so the result pairs x[i] with y[i], the grid's diagonal, not its ${points} points.`),
    describe(
      makeJaxpr(f)(mesh, mesh),
      ['meshgrid', 'meshgrid-eager', 'numpy'],
      "f(*jnp.meshgrid(x, y, indexing='ij'))",
      `Every equation works on ${n}×${n} arrays, the inputs included: the two meshes hold each x and y value ${n} times over.`,
    ),
    describe(
      vmapGraph,
      ['vmap', 'pmap', 'gpu', 'jax-vmap', 'jax-pmap'],
      'jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))(x, y)',
      'vmap batched the scalar graph: what depends on x alone stays a vector of n and is broadcast (broadcast_in_dim), so no mesh is built; pmap runs this graph on each device’s rows.',
    ),
  ];

  const kernels = fuseGraph(vmapGraph);
  // WGSL has no float64: a float64 request is traced again at float32 for the GPU.
  const gpuKernel = dtype === 'float32' ? kernels[0]! : fuseGraph(makeJaxpr(overAxes)({ shape: [n], dtype: 'float32' }, { shape: [n], dtype: 'float32' }))[0]!;
  const wgsl = wgslKernel(gpuKernel, WORKGROUP_SIZE, 'rows').source;
  const loaded = loadAddon();
  let native: TracedView['lowered']['native'];
  if (loaded.addon) {
    const entries = loaded.addon.opcodes();
    native = { ok: true, bytecode: disassemble(lowerKernel(kernels[0]!, vmapGraph.inputs.length, opcodeTable(entries)), entries) };
  } else {
    native = { ok: false, reason: loaded.reason };
  }
  return { n, dtype, graphs, lowered: { kernels: kernels.length, wgsl, native } };
}
