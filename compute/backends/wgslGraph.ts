// What every WGSL kernel built from a fused graph shares: how each primitive
// reads as a WGSL expression, the uniform block's layout (sizes, strides,
// offsets and constants arrive as uniforms, so one pipeline serves every n),
// the bindings of the inputs, the split of a flat index into the axes the
// reads need, and the expression DAG evaluated in registers. The map kernel
// (wgsl.ts) stores the DAG's value; the reduction kernels (wgslReduce.ts)
// fold it into an accumulator. Text built only from the graph — numbers,
// fixed identifiers and the table below — never from user text.

import type { ElementwisePrimitive, ParamsOf } from '../core/primitives.js';
import type { FusedKernel } from './fuse.js';

type Emit<P extends ElementwisePrimitive> = (args: readonly string[], params: ParamsOf<P>) => string;

/** How each primitive reads as a WGSL expression on f32 values. */
export const wgslEmitters: { [P in ElementwisePrimitive]: Emit<P> } = {
  neg: ([a]) => `(-${a})`,
  square: ([a]) => `(${a} * ${a})`,
  cos: ([a]) => `vlab_cos(${a})`,
  sin: ([a]) => `vlab_sin(${a})`,
  tan: ([a]) => `vlab_tan(${a})`,
  exp: ([a]) => `vlab_exp(${a})`,
  log: ([a]) => `vlab_log(${a})`,
  sqrt: ([a]) => `vlab_sqrt(${a})`,
  abs: ([a]) => `abs(${a})`,
  tanh: ([a]) => `vlab_tanh(${a})`,
  atan: ([a]) => `vlab_atan(${a})`,
  asin: ([a]) => `vlab_asin(${a})`,
  acos: ([a]) => `vlab_acos(${a})`,
  sinh: ([a]) => `vlab_sinh(${a})`,
  cosh: ([a]) => `vlab_cosh(${a})`,
  // WGSL's floor and ceil are exact; NaN and the infinities come back as they went in.
  floor: ([a]) => `floor(${a})`,
  ceil: ([a]) => `ceil(${a})`,
  sign: ([a]) => `vlab_sign(${a})`,
  log2: ([a]) => `vlab_log2(${a})`,
  log10: ([a]) => `vlab_log10(${a})`,
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b]) => `(${a} / ${b})`,
  pow: ([a, b]) => `vlab_pow(${a}, ${b})`,
  min: ([a, b]) => `vlab_min(${a}, ${b})`,
  max: ([a, b]) => `vlab_max(${a}, ${b})`,
  atan2: ([y, x]) => `vlab_atan2(${y}, ${x})`,
  hypot: ([a, b]) => `vlab_hypot(${a}, ${b})`,
  mod: ([a, b]) => `vlab_mod(${a}, ${b})`,
  integer_pow: ([a], { y }) => integerPow(a!, y),
};

/** x ** y for a constant integer: products up to the 4th power (as the JS backend), square-and-multiply beyond. */
function integerPow(a: string, y: number): string {
  const k = Math.abs(y);
  const product =
    k === 0 ? '1.0f' : k <= 4 ? `(${Array.from({ length: k }, () => a).join(' * ')})` : `vlab_ipow(${a}, ${k}u)`;
  return y < 0 ? `(1.0f / ${product})` : product;
}

/**
 * The uniform block, as u32 slots four to a vec4:
 *   v[0] = (tileStart, tileCount, rowWidth, bits of +Infinity)
 *   v[1].x = bits of NaN, then the output's axis sizes, then per read its
 *   offset and its strides along the output axes it varies over, the
 *   constants, and the kernel's own extra words.
 * A reduction reads the three leading words as its own (wgslReduce.ts).
 */
export interface WgslParamLayout {
  readonly tileStart: 0;
  readonly tileCount: 1;
  readonly rowWidth: 2;
  readonly infBits: 3;
  readonly nanBits: 4;
  /** Per output axis, the slot holding its size. */
  readonly shape: readonly number[];
  /** Per read, the slot of its offset (element index of index 0 in the bound buffer). */
  readonly readOffset: readonly number[];
  /** Per read, per output axis below its depth, the slot of its stride. */
  readonly readStrides: readonly (readonly number[])[];
  /**
   * The graph's constants, each in its own slot as float32 bits. WGSL lets a
   * compiler assume no NaN or Inf, and a literal invites it to fold
   * sqrt(x) * 0 to 0; read from the uniform block, NaN * 0 stays NaN.
   */
  readonly constants: readonly { readonly slot: number; readonly value: number }[];
  /** Words a kind of kernel asks for beyond these (a reduction's run length). */
  readonly extra: readonly number[];
  /** Slots in all, a multiple of 4. */
  readonly slotCount: number;
}

/** Binding 0 is the uniform block, binding 1 what the kernel writes, bindings 2… the inputs. */
export const FIRST_INPUT_BINDING = 2;

/** The uniform block of a kernel over `kernel`'s loop, with `extraWords` more slots for the kernel's own use. */
export function paramLayout(kernel: FusedKernel, extraWords = 0): WgslParamLayout {
  let next = 5;
  const shape = kernel.outShape.map(() => next++);
  const readOffset: number[] = [];
  const readStrides: number[][] = [];
  for (const read of kernel.reads) {
    readOffset.push(next++);
    readStrides.push(Array.from({ length: read.depth }, () => next++));
  }
  const constants: { slot: number; value: number }[] = [];
  for (const node of kernel.nodes) if (node.kind === 'const') constants.push({ slot: next++, value: node.value });
  const extra = Array.from({ length: extraWords }, () => next++);
  return {
    tileStart: 0,
    tileCount: 1,
    rowWidth: 2,
    infBits: 3,
    nanBits: 4,
    shape,
    readOffset,
    readStrides,
    constants,
    extra,
    slotCount: Math.max(8, Math.ceil(next / 4) * 4),
  };
}

/** The graph inputs a kernel binds, in binding order, and per read its index among them. */
export function inputBindings(kernel: FusedKernel): { boundInputs: number[]; readBinding: number[] } {
  const boundInputs = [...new Set(kernel.reads.map((r) => r.input))];
  return { boundInputs, readBinding: kernel.reads.map((r) => boundInputs.indexOf(r.input)) };
}

/** The declarations of the uniform block and the inputs (the kernel declares binding 1 itself). */
export function bindingDeclarations(layout: WgslParamLayout, boundInputs: readonly number[]): string[] {
  return [
    `struct Params { v: array<vec4<u32>, ${layout.slotCount / 4}> }`,
    `@group(0) @binding(0) var<uniform> params: Params;`,
    ...boundInputs.map(
      (_, k) => `@group(0) @binding(${FIRST_INPUT_BINDING + k}) var<storage, read> in${k}: array<f32>;`,
    ),
  ];
}

/** How many leading axes need an index: only those some read varies along. */
export function indexedAxes(kernel: FusedKernel): number {
  return Math.max(0, ...kernel.reads.map((r) => r.depth));
}

/** Lines defining i0 … i(lastAxis) below `indexed` from a row-major flat index over axes 0..lastAxis. */
export function splitIndex(layout: WgslParamLayout, flatIndex: string, lastAxis: number, indexed: number): string[] {
  const lines = [`  var flat = ${flatIndex};`];
  for (let axis = lastAxis; axis >= 0; axis--) {
    const size = slot(layout.shape[axis]!);
    if (axis === 0) lines.push(`  let i0 = flat;`);
    else if (axis >= indexed) lines.push(`  flat = flat / ${size};`);
    else lines.push(`  let i${axis} = flat % ${size};`, `  flat = flat / ${size};`);
  }
  return lines;
}

/** Lines evaluating the DAG at indices i0…, one `let t<id>` per node; `result` names the kernel's value. */
export function evaluateGraph(
  kernel: FusedKernel,
  layout: WgslParamLayout,
  readBinding: readonly number[],
): { lines: string[]; result: string } {
  const nodeName = (id: number) => `t${id}`;
  const lines: string[] = [];
  let constant = 0;
  kernel.nodes.forEach((node, id) => {
    let expr: string;
    if (node.kind === 'const') {
      expr = `bitcast<f32>(${slot(layout.constants[constant++]!.slot)}) /* ${wgslNumber(node.value)} */`;
    } else if (node.kind === 'read') {
      // Offsets and indices are u32: a negative offset (a window that starts
      // past the read's origin) is its two's complement, and the sum wraps
      // back into the window.
      const terms = [
        slot(layout.readOffset[node.read]!),
        ...layout.readStrides[node.read]!.map((s, axis) => `i${axis} * ${slot(s)}`),
      ];
      expr = `in${readBinding[node.read]}[${terms.join(' + ')}]`;
    } else {
      const emit = wgslEmitters[node.primitive] as Emit<ElementwisePrimitive>;
      expr = emit(node.args.map(nodeName), node.params as never);
    }
    lines.push(`  let ${nodeName(id)} = ${expr};`);
  });
  return { lines, result: nodeName(kernel.result) };
}

/** The WGSL expression reading uniform slot `index`. */
export function slot(index: number): string {
  return `params.v[${index >> 2}].${'xyzw'[index & 3]}`;
}

/** A WGSL f32 expression for any double (rounded to float32 as the kernel computes). */
export function wgslNumber(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'vlab_nan()';
  if (f === Infinity) return 'vlab_inf()';
  if (f === -Infinity) return '(-vlab_inf())';
  if (Object.is(f, -0)) return '(-0.0f)';
  let text = String(Math.abs(f));
  if (!/[.e]/.test(text)) text += '.0';
  return f < 0 ? `(-${text}f)` : `${text}f`;
}

/** Every primitive's emitter, for tests that walk the table. */
export function emitPrimitive(primitive: ElementwisePrimitive, args: readonly string[], params: object = {}): string {
  return (wgslEmitters[primitive] as Emit<ElementwisePrimitive>)(args, params as never);
}
