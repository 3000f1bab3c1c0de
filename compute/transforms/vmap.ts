// vmap with JAX's semantics, as a graph-to-graph transformation: trace f at
// one example's shapes, rewrite each equation by its batching rule, then
// evaluate the batched graph on the real arguments (eagerly, or inlined into
// an enclosing jit/vmap trace). A rule moves the batch axis where the op
// wants it, applies the op once, and says where the batch axis is now. An
// unmapped value stays unmapped — it is never broadcast until an op needs it,
// and then only as a stride-0 view. That rule is the whole memory advantage.

import { type Atom, type Graph, literal } from '../core/graph.js';
import {
  type AnyParams,
  type CollectivePrimitive,
  type Primitive,
  type PrimitiveParams,
  type ReductionPrimitive,
  COLLECTIVE_PRIMITIVES,
  ELEMENTWISE_PRIMITIVES,
  REDUCTION_PRIMITIVES,
  isCollective,
} from '../core/primitives.js';
import { withNamedAxis } from '../core/axisEnv.js';
import { formatShape, normalizeAxis } from '../core/shape.js';
import { GraphBuilder, type Tracer, type Value, traceFunction } from '../core/trace.js';
import type { NDArray } from '../core/ndarray.js';
import { broadcastInDim, moveAxis } from '../ops.js';
import { evalGraph } from './interpret.js';
import type { Traceable } from './jit.js';

/** Per argument: the axis that is mapped, or null for an argument every example shares. */
export type InAxes = number | null | readonly (number | null)[];
export type OutAxes = number | null | readonly (number | null)[];

export interface VmapOptions {
  inAxes?: InAxes;
  outAxes?: OutAxes;
  /** Names the mapped axis for collectives (lax.psum(x, axisName) …), as JAX's axis_name. */
  axisName?: string;
}

/** A value in the batched graph and where its batch axis is (null: not mapped). */
export interface Batched {
  atom: Atom;
  bdim: number | null;
}

type BatchRule = (
  builder: GraphBuilder,
  args: readonly Batched[],
  params: AnyParams,
  axisSize: number,
  axisName: string | undefined,
) => Batched;

const rankOf = (atom: Atom): number => (atom.kind === 'var' ? atom.aval.shape.length : 0);
const shapeOf = (atom: Atom): readonly number[] => (atom.kind === 'var' ? atom.aval.shape : []);

/** Moves the batch axis of a mapped value to the front. */
function batchAxisFirst(builder: GraphBuilder, { atom, bdim }: Batched): Atom {
  if (bdim === null || bdim === 0) return atom;
  const order = shapeOf(atom)
    .map((_, axis) => axis)
    .filter((axis) => axis !== bdim);
  return builder.emit('transpose', [atom], { permutation: [bdim, ...order] });
}

/**
 * Elementwise ops broadcast like NumPy. Mapped operands get their batch axis
 * in front and, if they have fewer example axes than the widest operand,
 * size-1 axes after it; unmapped operands are left alone (NumPy broadcasting
 * lines them up with the trailing axes).
 */
function elementwiseRule(primitive: Primitive): BatchRule {
  return (builder, args, params) => {
    const exampleRank = Math.max(...args.map((a) => rankOf(a.atom) - (a.bdim === null ? 0 : 1)));
    const operands = args.map((arg) => {
      if (arg.bdim === null) return arg.atom;
      const front = batchAxisFirst(builder, arg);
      const [batch, ...rest] = shapeOf(front);
      const missing = exampleRank - rest.length;
      if (missing === 0) return front;
      return builder.emit('broadcast_in_dim', [front], {
        shape: [batch!, ...new Array<number>(missing).fill(1), ...rest],
        broadcastDimensions: [0, ...rest.map((_, k) => 1 + missing + k)],
      });
    });
    return { atom: builder.emit(primitive, operands, params), bdim: 0 };
  };
}

/**
 * A reduction of a mapped value: the example's axes shift past the batch axis, which stays (one result per example).
 */
function reductionRule(primitive: ReductionPrimitive): BatchRule {
  return (builder, [operand], params) => {
    const { axes } = params as PrimitiveParams['reduce_sum'];
    const bdim = operand!.bdim!;
    const shifted = axes.map((a) => (a >= bdim ? a + 1 : a));
    const atom = builder.emit(primitive, [operand!.atom], { axes: shifted });
    return { atom, bdim: bdim - shifted.filter((a) => a < bdim).length };
  };
}

const COLLECTIVE_REDUCTION = { psum: 'reduce_sum', pmax: 'reduce_max', pmin: 'reduce_min' } as const;

/**
 * A collective over this vmap's axis reduces over the batch axis, and the
 * total is unmapped: every example gets it (a stride-0 view when returned).
 * Over another (outer) axis it stays a collective, applied to every example.
 */
function collectiveRule(primitive: CollectivePrimitive): BatchRule {
  return (builder, [operand], params, axisSize, axisName) => {
    const { atom, bdim } = operand!;
    if ((params as PrimitiveParams['psum']).axisName !== axisName)
      return { atom: builder.emit(primitive, [atom], params), bdim };
    if (bdim === null)
      return { atom: primitive === 'psum' ? builder.emit('mul', [atom, literal(axisSize)], {}) : atom, bdim: null };
    return { atom: builder.emit(COLLECTIVE_REDUCTION[primitive], [atom], { axes: [bdim] }), bdim: null };
  };
}

const batchRules: { [P in Primitive]: BatchRule } = {
  ...(Object.fromEntries(REDUCTION_PRIMITIVES.map((p) => [p, reductionRule(p)])) as {
    [P in ReductionPrimitive]: BatchRule;
  }),
  ...(Object.fromEntries(COLLECTIVE_PRIMITIVES.map((p) => [p, collectiveRule(p)])) as {
    [P in CollectivePrimitive]: BatchRule;
  }),
  ...(Object.fromEntries(ELEMENTWISE_PRIMITIVES.map((p) => [p, elementwiseRule(p)])) as {
    [P in (typeof ELEMENTWISE_PRIMITIVES)[number]]: BatchRule;
  }),
  broadcast_in_dim: (builder, [operand], params, axisSize) => {
    const { shape, broadcastDimensions } = params as PrimitiveParams['broadcast_in_dim'];
    const front = batchAxisFirst(builder, operand!);
    const atom = builder.emit('broadcast_in_dim', [front], {
      shape: [axisSize, ...shape],
      broadcastDimensions: [0, ...broadcastDimensions.map((d) => d + 1)],
    });
    return { atom, bdim: 0 };
  },
  transpose: (builder, [operand], params) => {
    const { permutation } = params as PrimitiveParams['transpose'];
    const front = batchAxisFirst(builder, operand!);
    return {
      atom: builder.emit('transpose', [front], { permutation: [0, ...permutation.map((p) => p + 1)] }),
      bdim: 0,
    };
  },
};

/** Rewrites a graph for a batch of axisSize examples. inDims[i] is where input i's batch axis is. */
export function batchGraph(
  graph: Graph,
  inDims: readonly (number | null)[],
  axisSize: number,
  axisName?: string,
): { graph: Graph; outDims: (number | null)[] } {
  const builder = new GraphBuilder(0);
  const env = new Map<number, Batched>();
  graph.inputs.forEach((v, i) => {
    const bdim = inDims[i] ?? null;
    const shape = [...v.aval.shape];
    if (bdim !== null) shape.splice(bdim, 0, axisSize);
    env.set(v.id, { atom: builder.addInput({ shape, dtype: v.aval.dtype }), bdim });
  });
  const read = (atom: Atom): Batched => (atom.kind === 'literal' ? { atom, bdim: null } : env.get(atom.id)!);
  for (const eqn of graph.equations) {
    const args = eqn.inputs.map(read);
    const result =
      args.every((a) => a.bdim === null) && !isCollective(eqn.primitive)
        ? {
            atom: builder.emit(
              eqn.primitive,
              args.map((a) => a.atom),
              eqn.params,
            ),
            bdim: null,
          }
        : batchRules[eqn.primitive](builder, args, eqn.params, axisSize, axisName);
    env.set(eqn.out.id, result);
  }
  const outs = graph.outputs.map(read);
  return { graph: builder.graph(outs.map((o) => o.atom)), outDims: outs.map((o) => o.bdim) };
}

/** vmap(f, { inAxes, outAxes }) as in JAX: f mapped over an axis of its arguments, without a loop. */
export function vmap(fn: Traceable, options: VmapOptions = {}): (...args: Value[]) => Value | Value[] {
  return (...args: Value[]) => {
    const inAxes = perArgument(options.inAxes === undefined ? 0 : options.inAxes, args.length, 'inAxes');
    const axisSize = mappedAxisSize(args, inAxes);
    const arrayArgs: { index: number; value: NDArray | Tracer; axis: number | null }[] = [];
    args.forEach((value, index) => {
      if (typeof value === 'number') return;
      const axis = inAxes[index]!;
      arrayArgs.push({ index, value, axis: axis === null ? null : normalizeAxis(axis, value.shape.length) });
    });
    const exampleAvals = arrayArgs.map(({ value, axis }) => {
      const shape = [...value.shape];
      if (axis !== null) shape.splice(axis, 1);
      return { shape, dtype: value.dtype };
    });
    // Numbers are shared by every example; they stay numbers (literals) in the trace.
    const traced = withNamedAxis(options.axisName, axisSize, () =>
      traceFunction((...tracers: Value[]) => {
        const full = [...args];
        arrayArgs.forEach(({ index }, k) => (full[index] = tracers[k]!));
        return fn(...full);
      }, exampleAvals),
    );
    const inDims = [...traced.consts.map(() => null), ...arrayArgs.map((a) => a.axis)];
    const batched = batchGraph(traced.graph, inDims, axisSize, options.axisName);
    const results = evalGraph(batched.graph, [...traced.consts, ...arrayArgs.map((a) => a.value)]);
    const outAxes = perArgument(options.outAxes === undefined ? 0 : options.outAxes, results.length, 'outAxes');
    const placed = results.map((value, i) => placeBatchAxis(value, batched.outDims[i]!, outAxes[i]!, axisSize));
    return traced.single ? placed[0]! : placed;
  };
}

function perArgument(axes: InAxes, count: number, what: string): (number | null)[] {
  if (axes === null || typeof axes === 'number') return new Array<number | null>(count).fill(axes);
  if (axes.length !== count) {
    throw new Error(
      `vmap ${what} has ${axes.length} entries but there are ${count} ${what === 'inAxes' ? 'arguments' : 'outputs'}`,
    );
  }
  return [...axes];
}

function mappedAxisSize(args: readonly Value[], inAxes: readonly (number | null)[]): number {
  const sizes: { index: number; axis: number; size: number }[] = [];
  args.forEach((value, index) => {
    const axis = inAxes[index];
    if (axis === null || axis === undefined) return;
    if (typeof value === 'number') {
      throw new Error(
        `vmap: argument ${index} is a number but in_axes maps axis ${axis}; use null for values every example shares`,
      );
    }
    const at = normalizeAxis(
      axis,
      value.shape.length,
      `vmap in_axes entry ${axis} for argument ${index} of shape ${formatShape(value.shape)}`,
    );
    sizes.push({ index, axis: at, size: value.shape[at]! });
  });
  if (sizes.length === 0) throw new Error('vmap needs at least one mapped argument: every in_axes entry is null');
  const first = sizes[0]!;
  const other = sizes.find((s) => s.size !== first.size);
  if (other) {
    throw new Error(
      `vmap got inconsistent sizes for the mapped axis: argument ${first.index} has size ${first.size} along axis ` +
        `${first.axis}, ` +
        `argument ${other.index} has size ${other.size} along axis ${other.axis}`,
    );
  }
  return first.size;
}

/** Puts the batch axis of an output where outAxes asks; an unmapped output is broadcast (a view), as JAX does. */
function placeBatchAxis(value: Value, bdim: number | null, outAxis: number | null, axisSize: number): Value {
  if (outAxis === null) {
    if (bdim !== null) throw new Error('vmap: an output is mapped but its out_axes entry is null');
    return value;
  }
  if (typeof value === 'number') {
    throw new Error(
      'vmap: the function returned a constant that does not depend on any mapped argument; return an array',
    );
  }
  const rank = value.shape.length + (bdim === null ? 1 : 0);
  const target = normalizeAxis(outAxis, rank, 'vmap out_axes entry');
  if (bdim === null) {
    const shape = [...value.shape];
    shape.splice(target, 0, axisSize);
    const dims = value.shape.map((_, k) => (k < target ? k : k + 1));
    return broadcastInDim(value, shape, dims);
  }
  return moveAxis(value, bdim, target);
}
