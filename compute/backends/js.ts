// The JavaScript backend: each graph output becomes one generated loop nest
// over the output's axes, with every primitive inlined (no temporary arrays),
// inputs read through their strides (a broadcast axis has stride 0) and
// loop-invariant work hoisted to the outer loops. The generated source is
// built only from the graph — numbers, fixed identifiers and the emitter
// table below — never from user text.

import type { Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { type ElementwisePrimitive, type ParamsOf, maximum, minimum, mod, powIEEE, sign } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';
import {
  type Backend,
  type CompileOptions,
  type Device,
  type Executable,
  type RunControl,
  throwIfCancelled,
} from './backend.js';
import { type FusedKernel, fuseGraph, kernelResult, readStrides } from './fuse.js';
import {
  accumulate,
  accumulatorClose,
  accumulatorOpen,
  emptyAccumulators,
  finishAccumulators,
  segmentStart,
} from './reduceSource.js';

type Emit<P extends ElementwisePrimitive> = (args: readonly string[], params: ParamsOf<P>) => string;

/** Helpers the generated code calls by name: NumPy's meanings where Math has none (or a different one). */
const KERNEL_HELPERS = { pow: powIEEE, minimum, maximum, sign, mod, fround: Math.fround } as const;

/** How each primitive reads as a JS expression. */
const jsEmitters: { [P in ElementwisePrimitive]: Emit<P> } = {
  neg: ([a]) => `(-${a})`,
  square: ([a]) => `(${a} * ${a})`,
  cos: ([a]) => `Math.cos(${a})`,
  sin: ([a]) => `Math.sin(${a})`,
  tan: ([a]) => `Math.tan(${a})`,
  exp: ([a]) => `Math.exp(${a})`,
  log: ([a]) => `Math.log(${a})`,
  sqrt: ([a]) => `Math.sqrt(${a})`,
  abs: ([a]) => `Math.abs(${a})`,
  tanh: ([a]) => `Math.tanh(${a})`,
  atan: ([a]) => `Math.atan(${a})`,
  asin: ([a]) => `Math.asin(${a})`,
  acos: ([a]) => `Math.acos(${a})`,
  sinh: ([a]) => `Math.sinh(${a})`,
  cosh: ([a]) => `Math.cosh(${a})`,
  floor: ([a]) => `Math.floor(${a})`,
  ceil: ([a]) => `Math.ceil(${a})`,
  sign: ([a]) => `sign(${a})`,
  log2: ([a]) => `Math.log2(${a})`,
  log10: ([a]) => `Math.log10(${a})`,
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b]) => `(${a} / ${b})`,
  pow: ([a, b]) => `pow(${a}, ${b})`,
  min: ([a, b]) => `minimum(${a}, ${b})`,
  max: ([a, b]) => `maximum(${a}, ${b})`,
  atan2: ([y, x]) => `Math.atan2(${y}, ${x})`,
  hypot: ([a, b]) => `Math.hypot(${a}, ${b})`,
  mod: ([a, b]) => `mod(${a}, ${b})`,
  integer_pow: ([a], { y }) => integerPow(a!, y),
};

function integerPow(a: string, y: number): string {
  const k = Math.abs(y);
  if (k > 4) return `pow(${a}, ${jsNumber(y)})`;
  const product = k === 0 ? '1' : `(${Array.from({ length: k }, () => a).join(' * ')})`;
  return y < 0 ? `(1 / ${product})` : product;
}

/** A JS literal for any double, including -0, NaN and the infinities. */
export function jsNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '(-Infinity)';
  if (Object.is(value, -0)) return '(-0)';
  return value < 0 ? `(${String(value)})` : String(value);
}

type KernelFn = (
  out: Float32Array | Float64Array,
  ins: readonly ArrayLike<number>[],
  offsets: readonly number[],
  strides: readonly (readonly number[])[],
  shape: readonly number[],
  rowStart: number,
  rowEnd: number,
  acc: Float64Array,
) => void;

/** Generates the source of one fused loop nest. Exported for tests that read the code. */
export function kernelSource(kernel: FusedKernel): string {
  const rank = kernel.outShape.length;
  const lines: string[] = [];
  const nodeName = (id: number) => `t${id}`;
  const emitNodesAt = (depth: number, indent: string) => {
    kernel.nodes.forEach((node, id) => {
      if (node.depth !== depth) return;
      let expr: string;
      if (node.kind === 'const') expr = jsNumber(kernel.dtype === 'float32' ? Math.fround(node.value) : node.value);
      else if (node.kind === 'read') expr = `in${node.read}[q${node.read}_${depth}]`;
      else {
        const emit = jsEmitters[node.primitive] as Emit<ElementwisePrimitive>;
        expr = emit(node.args.map(nodeName), node.params as never);
        // float32 means float32 after every operation, as in NumPy, JAX, the
        // native VM and WGSL: an intermediate that overflows is Inf here too.
        if (kernel.dtype === 'float32') expr = `fround(${expr})`;
      }
      lines.push(`${indent}const ${nodeName(id)} = ${expr};`);
    });
  };
  kernel.reads.forEach((read, r) => {
    lines.push(`const in${r} = ins[${r}];`);
    lines.push(`const q${r}_0 = offsets[${r}];`);
    for (let axis = 0; axis < read.depth; axis++) lines.push(`const s${r}_${axis} = strides[${r}][${axis}];`);
  });
  for (let axis = 1; axis < rank; axis++) lines.push(`const n${axis} = shape[${axis}];`);
  emitNodesAt(0, '');
  if (rank === 0) {
    lines.push(`out[0] = ${nodeName(kernel.result)};`);
    return lines.join('\n');
  }
  const inner = kernel.outShape.slice(1).map((_, i) => `n${i + 1}`);
  lines.push(`let o = rowStart${inner.length ? ` * ${inner.join(' * ')}` : ''};`);
  const reduce = kernel.reduce;
  // A reduction keeps its accumulator in locals over each output element's run of the loop (reduceSource.ts).
  const kept = reduce ? reduce.resultShape.length : -1;
  if (reduce) lines.push(segmentStart(reduce.resultShape));
  if (kept === 0) lines.push(...accumulatorOpen('', reduce!.length));
  let indent = '';
  for (let axis = 0; axis < rank; axis++) {
    const [from, to] = axis === 0 ? ['rowStart', 'rowEnd'] : ['0', `n${axis}`];
    lines.push(`${indent}for (let i${axis} = ${from}; i${axis} < ${to}; i${axis}++) {`);
    indent += '  ';
    kernel.reads.forEach((read, r) => {
      if (read.depth <= axis) return;
      lines.push(`${indent}const q${r}_${axis + 1} = q${r}_${axis} + i${axis} * s${r}_${axis};`);
    });
    emitNodesAt(axis + 1, indent);
    if (axis + 1 === kept) lines.push(...accumulatorOpen(indent, reduce!.length));
  }
  if (!reduce) lines.push(`${indent}out[o++] = ${nodeName(kernel.result)};`);
  else lines.push(...accumulate(reduce.kind, nodeName(kernel.result), indent));
  for (let axis = rank - 1; axis >= 0; axis--) {
    if (axis + 1 === kept) lines.push(...accumulatorClose('  '.repeat(axis + 1)));
    lines.push(`${'  '.repeat(axis)}}`);
  }
  if (kept === 0) lines.push(...accumulatorClose(''));
  return lines.join('\n');
}

function compileKernel(kernel: FusedKernel): KernelFn {
  const body = `"use strict";\n${kernelSource(kernel)}`;
  // The source comes from the graph alone (see the header): no user text reaches it.
  const names = Object.keys(KERNEL_HELPERS);
  const factory = new Function(
    ...names,
    `return function fusedKernel(out, ins, offsets, strides, shape, rowStart, rowEnd, acc) {\n${body}\n};`,
  );
  return factory(...Object.values(KERNEL_HELPERS)) as KernelFn;
}

const NO_STRIDES: number[] = [];
const NO_ACCUMULATORS = new Float64Array(0);

/** Elements per slice of an async run: small enough to cancel within tens of milliseconds. */
const ELEMENTS_PER_SLICE = 1 << 20;

class JsExecutable implements Executable {
  readonly backend = 'js' as const;
  private readonly kernels: { fused: FusedKernel; fn: KernelFn }[];

  constructor(
    readonly graph: Graph,
    options: CompileOptions,
  ) {
    this.kernels = fuseGraph(graph, options.zeroStrides).map((fused) => ({ fused, fn: compileKernel(fused) }));
  }

  readonly runSync = (inputs: readonly NDArray[]): NDArray[] => {
    const outputs: NDArray[] = [];
    const accs: Float64Array[] = [];
    for (const { fused, fn } of this.kernels) {
      const { out, args, acc } = this.prepare(fused, inputs);
      const shared = fused.sharesPass === undefined ? null : accs[fused.sharesPass]!;
      if (!shared) fn(out.data, args[0], args[1], args[2], args[3], 0, fused.outShape[0] ?? 1, acc);
      if (fused.reduce) finishAccumulators(fused.reduce.kind, shared ?? acc, out.data);
      accs.push(shared ?? acc);
      outputs.push(out);
    }
    return outputs;
  };

  async run(inputs: readonly NDArray[], control: RunControl = {}): Promise<NDArray[]> {
    const outputs: NDArray[] = [];
    const accs: Float64Array[] = [];
    try {
      for (const { fused, fn } of this.kernels) {
        const { out, args, acc } = this.prepare(fused, inputs);
        outputs.push(out);
        if (fused.sharesPass !== undefined) {
          finishAccumulators(fused.reduce!.kind, accs[fused.sharesPass]!, out.data);
          accs.push(accs[fused.sharesPass]!);
          continue;
        }
        accs.push(acc);
        const rows = fused.outShape[0] ?? 1;
        const rowSize = Math.max(1, sizeOf(fused.outShape.slice(1)));
        const rowsPerSlice = Math.max(1, Math.floor(ELEMENTS_PER_SLICE / rowSize));
        for (let row = 0; row < rows; row += rowsPerSlice) {
          throwIfCancelled(control.signal);
          fn(out.data, ...args, row, Math.min(rows, row + rowsPerSlice), acc);
          control.onProgress?.(Math.min(rows, row + rowsPerSlice) / rows);
          if (row + rowsPerSlice < rows) await yieldToEventLoop();
        }
        if (fused.reduce) finishAccumulators(fused.reduce.kind, acc, out.data);
      }
      return outputs;
    } catch (error) {
      for (const out of outputs) out.dispose();
      throw error;
    }
  }

  private prepare(fused: FusedKernel, inputs: readonly NDArray[]) {
    const result = kernelResult(fused);
    const out = NDArray.empty(result.shape, result.dtype);
    const acc = fused.reduce ? emptyAccumulators(fused.reduce.kind, out.size) : NO_ACCUMULATORS;
    const rank = fused.outShape.length;
    const count = fused.reads.length;
    const ins = new Array<ArrayLike<number>>(count);
    const offsets = new Array<number>(count);
    const strides = new Array<number[]>(count);
    for (let r = 0; r < count; r++) {
      const read = fused.reads[r]!;
      const input = inputs[read.input]!;
      ins[r] = input.data;
      offsets[r] = input.offset;
      strides[r] = rank === 0 ? NO_STRIDES : readStrides(read, rank, input);
    }
    const args = [ins, offsets, strides, fused.outShape] as const;
    return { out, args, acc };
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export const jsBackend: Backend = {
  name: 'js',
  status: () => ({ available: true }),
  devices: (): Device[] => [{ id: 'js:0', backend: 'js', kind: 'cpu', name: 'JavaScript (engine thread)' }],
  compile: (graph, options) => new JsExecutable(graph, options),
};
