// Lowers a graph to fused kernels: one expression DAG per output, evaluated
// at each output index. Structural primitives (broadcast_in_dim, transpose)
// commute with elementwise ones, so they are pushed down to the leaves, where
// they become strides: no backend ever materializes a broadcast or a
// transpose. Each node is tagged with the loop depth it must be computed at
// (loop-invariant code is hoisted out of the inner loops), which every
// emitter — JS, native bytecode, WGSL — reads from the same structure.

import type { DType } from '../core/dtype.js';
import type { Atom, Graph, Var, Equation } from '../core/graph.js';
import type { NDArray } from '../core/ndarray.js';
import type { AnyParams, ElementwisePrimitive, PrimitiveParams, ReductionPrimitive } from '../core/primitives.js';
import { isElementwise, isReduction } from '../core/primitives.js';

/** A leaf: graph input `input` read at the output index through an axis map. */
export interface FusedRead {
  readonly input: number;
  /** For each axis of the input: the output axis whose index it takes, or -1 (index 0: a broadcast axis). */
  readonly axisMap: readonly number[];
  /** Loop depth: 1 + the last output axis along which the read varies (0: constant over the whole output). */
  readonly depth: number;
}

export type FusedNode =
  | { readonly kind: 'read'; readonly read: number; readonly depth: number }
  | { readonly kind: 'const'; readonly value: number; readonly depth: number }
  | {
      readonly kind: 'op';
      readonly primitive: ElementwisePrimitive;
      readonly args: readonly number[];
      readonly params: AnyParams;
      readonly depth: number;
    };

/**
 * A fused map-reduce: the kernel's loop runs over the reduced operand with
 * the kept axes first and the reduced ones last, so output element k
 * reduces the contiguous run [k·length, (k+1)·length) of the loop's flat
 * index, and the map's values are never stored.
 */
export interface FusedReduction {
  readonly kind: ReductionPrimitive;
  /** Loop elements per output element (the product of the reduced axes' sizes). */
  readonly length: number;
  readonly resultShape: readonly number[];
  readonly resultDtype: DType;
}

export interface FusedKernel {
  /** The loop's shape: the output's, or for a reduction the operand's axes, kept ones first. */
  readonly outShape: readonly number[];
  readonly reduce?: FusedReduction;
  /** A reduction that reads the accumulators of kernel `sharesPass` (argmax beside max) instead of running again. */
  readonly sharesPass?: number;
  readonly dtype: DType;
  readonly reads: readonly FusedRead[];
  /** In topological order: arguments come before their users. */
  readonly nodes: readonly FusedNode[];
  readonly result: number;
}

/** Per graph input, which of its axes have stride 0 (known at trace time from the arguments). */
export type ZeroStrides = readonly (readonly boolean[])[];

export function fuseGraph(graph: Graph, zeroStrides: ZeroStrides = []): FusedKernel[] {
  const producers = new Map<number, Equation>();
  for (const eqn of graph.equations) producers.set(eqn.out.id, eqn);
  const inputIndex = new Map<number, number>(graph.inputs.map((v, i) => [v.id, i]));
  const kernels = graph.outputs.map((out) => fuseOutput(out, producers, inputIndex, graph, zeroStrides));
  // max(z) and argmax(z) (min and argmin) over the same axes are one pass: the extreme's accumulator keeps both.
  const keyOf = (out: Atom): string | null => {
    const eqn = out.kind === 'var' ? producers.get(out.id) : undefined;
    if (!eqn || !isReduction(eqn.primitive) || eqn.primitive === 'reduce_sum') return null;
    const side = eqn.primitive === 'reduce_max' || eqn.primitive === 'argmax' ? 'max' : 'min';
    const operand = eqn.inputs[0]!;
    return `${side}|${operand.kind === 'var' ? operand.id : operand.value}|${JSON.stringify(eqn.params)}`;
  };
  const first = new Map<string, number>();
  return kernels.map((kernel, k) => {
    const key = keyOf(graph.outputs[k]!);
    if (key === null) return kernel;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, k);
    return earlier === undefined ? kernel : { ...kernel, sharesPass: earlier };
  });
}

function fuseOutput(
  out: Atom,
  producers: Map<number, Equation>,
  inputIndex: Map<number, number>,
  graph: Graph,
  zeroStrides: ZeroStrides,
): FusedKernel {
  const outShape = out.kind === 'var' ? out.aval.shape : [];
  const dtype: DType = out.kind === 'var' ? out.aval.dtype : (graph.inputs[0]?.aval.dtype ?? 'float32');
  const reads: FusedRead[] = [];
  const nodes: FusedNode[] = [];
  const memo = new Map<string, number>();

  const addNode = (key: string, make: () => FusedNode): number => {
    let id = memo.get(key);
    if (id === undefined) {
      const node = make();
      id = nodes.length;
      nodes.push(node);
      memo.set(key, id);
    }
    return id;
  };

  const lower = (atom: Atom, axisMap: readonly number[]): number => {
    if (atom.kind === 'literal')
      return addNode(`c${atom.value}`, () => ({ kind: 'const', value: atom.value, depth: 0 }));
    const input = inputIndex.get(atom.id);
    if (input !== undefined) return lowerRead(atom, input, axisMap);
    const eqn = producers.get(atom.id);
    if (!eqn) throw new Error(`graph is malformed: variable ${atom.id} is used but never defined`);
    return lowerEquation(eqn, axisMap);
  };

  const lowerRead = (v: Var, input: number, axisMap: readonly number[]): number => {
    const zeros = zeroStrides[input] ?? [];
    let depth = 0;
    axisMap.forEach((outAxis, k) => {
      if (outAxis >= 0 && v.aval.shape[k]! > 1 && !zeros[k]) depth = Math.max(depth, outAxis + 1);
    });
    // Axes that do not vary read index 0, whatever they were mapped to.
    const effective = axisMap.map((outAxis, k) => (v.aval.shape[k] === 1 || zeros[k] ? -1 : outAxis));
    return addNode(`r${input}:${effective.join(',')}`, () => {
      reads.push({ input, axisMap: effective, depth });
      return { kind: 'read', read: reads.length - 1, depth };
    });
  };

  const lowerEquation = (eqn: Equation, axisMap: readonly number[]): number => {
    const outShape = eqn.out.aval.shape;
    if (eqn.primitive === 'broadcast_in_dim') {
      const { broadcastDimensions } = eqn.params as PrimitiveParams['broadcast_in_dim'];
      const operand = eqn.inputs[0]!;
      const shape = operand.kind === 'var' ? operand.aval.shape : [];
      return lower(
        operand,
        shape.map((dim, k) => (dim === 1 ? -1 : axisMap[broadcastDimensions[k]!]!)),
      );
    }
    if (eqn.primitive === 'transpose') {
      const { permutation } = eqn.params as PrimitiveParams['transpose'];
      const operandMap = new Array<number>(permutation.length);
      permutation.forEach((axis, i) => (operandMap[axis] = axisMap[i]!));
      return lower(eqn.inputs[0]!, operandMap);
    }
    if (!isElementwise(eqn.primitive)) {
      // Stages (staged.ts) keep reductions at a kernel's root; collectives are gone after vmap/pmap.
      throw new Error(
        `cannot fuse ${eqn.primitive} inside a kernel: compile the graph with compileGraph (backends/staged.ts)`,
      );
    }
    const primitive = eqn.primitive;
    const args = eqn.inputs.map((input) => {
      if (input.kind === 'literal') return lower(input, []);
      const shape = input.aval.shape;
      const lead = outShape.length - shape.length;
      return lower(
        input,
        shape.map((dim, k) => (dim === 1 ? -1 : axisMap[k + lead]!)),
      );
    });
    const depth = Math.max(0, ...args.map((a) => nodes[a]!.depth));
    const key = `o${primitive}|${JSON.stringify(eqn.params)}|${args.join(',')}`;
    return addNode(key, () => ({ kind: 'op', primitive, args, params: eqn.params, depth }));
  };

  const reducer = out.kind === 'var' ? producers.get(out.id) : undefined;
  if (reducer && isReduction(reducer.primitive)) {
    const operand = reducer.inputs[0]!;
    const shape = operand.kind === 'var' ? operand.aval.shape : [];
    const { axes } = reducer.params as PrimitiveParams['reduce_sum'];
    const order = [...shape.keys()].filter((a) => !axes.includes(a)).concat(axes);
    const loopShape = order.map((a) => shape[a]!);
    const result = lower(
      operand,
      shape.map((_, a) => order.indexOf(a)),
    );
    const opDtype = operand.kind === 'var' ? operand.aval.dtype : dtype;
    const length = axes.reduce((n, a) => n * shape[a]!, 1);
    const reduce = { kind: reducer.primitive, length, resultShape: outShape, resultDtype: dtype };
    return { outShape: loopShape, dtype: opDtype, reads, nodes, result, reduce };
  }
  const result = lower(
    out,
    outShape.map((_, axis) => axis),
  );
  return { outShape, dtype, reads, nodes, result };
}

/** The shape and dtype of the array a kernel writes. */
export function kernelResult(kernel: FusedKernel): { shape: readonly number[]; dtype: DType } {
  return kernel.reduce
    ? { shape: kernel.reduce.resultShape, dtype: kernel.reduce.resultDtype }
    : { shape: kernel.outShape, dtype: kernel.dtype };
}

/** The element strides of a read along each output axis, for a concrete input array. */
export function readStrides(read: FusedRead, outRank: number, input: NDArray | null): number[] {
  const strides = new Array<number>(outRank).fill(0);
  if (!input) return strides;
  read.axisMap.forEach((outAxis, k) => {
    if (outAxis >= 0) strides[outAxis]! += input.strides[k]!;
  });
  return strides;
}

/** Which axes of an argument have stride 0 (part of a jit signature). */
export function zeroStrideAxes(array: NDArray): boolean[] {
  return array.strides.map((stride, axis) => stride === 0 && array.shape[axis]! > 1);
}
