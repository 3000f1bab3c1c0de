// The WGSL emitter: one fused kernel (fuse.ts) becomes one compute shader.
// One invocation computes one output element: it splits its flat index into
// the output's axes, reads each input through that input's strides (a
// broadcast axis has stride 0, so nothing is ever materialized) and evaluates
// the expression DAG in registers. Sizes, strides, offsets and the tile
// being computed arrive as uniforms, so one pipeline serves every tile, every
// n and every input layout of a graph's structure. The source is built only from the graph —
// numbers, fixed identifiers and the emitter table below — never from user text.
//
// WGSL has no f64, and many of its built-ins are only loosely specified (sin
// may be off by 2^-11, tanh may return NaN for large inputs, pow is undefined
// for negative bases, atan2/asin/acos may be off by 4096 ulp, log by 2^-21
// near 1, sinh/cosh overflow early, % is not NumPy's mod). Those primitives
// are emitted as helpers written here with explicit range reduction and
// special cases, so every adapter agrees with `scalarSemantics` to float32
// accuracy; WGSL_NUMERICS says, for a run record's note, where a GPU's value
// may still differ from NumPy's.

import type { ElementwisePrimitive, ParamsOf } from '../core/primitives.js';
import type { FusedKernel } from './fuse.js';
import { helperSources } from './wgslHelpers.js';

export { helpersFor } from './wgslHelpers.js';

type Emit<P extends ElementwisePrimitive> = (args: readonly string[], params: ParamsOf<P>) => string;

/** How each primitive reads as a WGSL expression on f32 values. */
const wgslEmitters: { [P in ElementwisePrimitive]: Emit<P> } = {
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

/**
 * Where the GPU's value may differ from NumPy's float64 (beyond float32's
 * rounding) for each primitive, in words for a run record's note; null where
 * the helper above matches NumPy's float32 to a few ulp, special values included.
 */
export const WGSL_NUMERICS: { readonly [P in ElementwisePrimitive]: string | null } = {
  neg: null,
  square: null,
  cos: "cos beyond |x| = 8192 is the adapter's own (WGSL leaves its range reduction open)",
  sin: "sin beyond |x| = 8192 is the adapter's own (WGSL leaves its range reduction open)",
  tan: "tan beyond |x| = 8192 is the adapter's own (WGSL leaves its range reduction open)",
  exp: null,
  log: null,
  sqrt: null,
  abs: null,
  tanh: null,
  atan: "atan: Cephes float32, about 2 ulp (WGSL's own may be off by 4096 ulp)",
  asin: "asin: Cephes float32, about 2 ulp (WGSL's own may be off by 4096 ulp)",
  acos: "acos: Cephes float32, about 2 ulp (WGSL's own may be off by 4096 ulp)",
  sinh:
    "sinh: Cephes float32, finite up to |x| = 89.4 as NumPy's float32 (WGSL's own cancels near 0 and overflows " +
    'from 88.7)',
  cosh: "cosh: Cephes float32, finite up to |x| = 89.4 as NumPy's float32 (WGSL's own overflows from 88.7)",
  floor: null,
  ceil: null,
  sign: null,
  log2: null,
  log10: null,
  add: null,
  sub: null,
  mul: null,
  div: null,
  pow: 'pow: exp2(b·log2|a|) in float32, its relative error growing with |b·log2 a| to about 1e-5',
  min: null,
  max: null,
  atan2:
    "atan2: Cephes float32 with C's signed zeros and infinities (WGSL's own may be off by 4096 ulp and is " +
    'undefined at (0, 0))',
  hypot: 'hypot: float32, scaled by the larger operand, a few ulp',
  mod:
    "mod: NumPy's (the divisor's sign) over an exact fmod, where WGSL's % takes the dividend's sign and loses " +
    'every digit past |a/b| = 2^24 (a GPU may flush subnormal operands to zero)',
  integer_pow: null,
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
 *   offset and its strides along the output axes it varies over.
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
  /** Slots in all, a multiple of 4. */
  readonly slotCount: number;
}

export interface WgslKernel {
  readonly source: string;
  readonly workgroupSize: number;
  readonly indexing: WgslIndexing;
  /** Graph inputs the shader reads, in binding order: binding 2 + k is boundInputs[k]. */
  readonly boundInputs: readonly number[];
  /** Per read, its index in boundInputs. */
  readonly readBinding: readonly number[];
  readonly layout: WgslParamLayout;
}

/** Binding 0 is the uniform block, binding 1 the output, bindings 2… the inputs. */
export const FIRST_INPUT_BINDING = 2;

/**
 * How an invocation finds its element. 'flat': a 1D (or wrapped 2D) run of
 * flat indices, split into axes by division — works for every tile. 'rows':
 * gid.x is the column and gid.y the row of a whole output that fits one
 * dispatch, so the common n×n grid needs no integer division at all.
 */
export type WgslIndexing = 'flat' | 'rows';

export function wgslKernel(kernel: FusedKernel, workgroupSize: number, indexing: WgslIndexing = 'flat'): WgslKernel {
  const rank = kernel.outShape.length;
  if (indexing === 'rows' && rank < 2)
    throw new Error(`wgsl: row indexing needs an output of rank 2 or more, not ${rank}`);
  let next = 5;
  const shape = kernel.outShape.map(() => next++);
  const readOffset: number[] = [];
  const readStrides: number[][] = [];
  for (const read of kernel.reads) {
    readOffset.push(next++);
    readStrides.push(Array.from({ length: read.depth }, () => next++));
  }
  const constantSlot = new Map<number, number>();
  const constants: { slot: number; value: number }[] = [];
  kernel.nodes.forEach((node, id) => {
    if (node.kind !== 'const') return;
    constantSlot.set(id, next);
    constants.push({ slot: next++, value: node.value });
  });
  const layout: WgslParamLayout = {
    tileStart: 0,
    tileCount: 1,
    rowWidth: 2,
    infBits: 3,
    nanBits: 4,
    shape,
    readOffset,
    readStrides,
    constants,
    slotCount: Math.max(8, Math.ceil(next / 4) * 4),
  };
  const boundInputs = [...new Set(kernel.reads.map((r) => r.input))];
  const readBinding = kernel.reads.map((r) => boundInputs.indexOf(r.input));

  const body: string[] = [];
  // Only the axes some read varies along need an index.
  const indexedAxes = Math.max(0, ...kernel.reads.map((r) => r.depth));
  /** Defines i0 … i(lastAxis) below indexedAxes from a row-major flat index over axes 0..lastAxis. */
  const splitIndex = (flatIndex: string, lastAxis: number) => {
    body.push(`  var flat = ${flatIndex};`);
    for (let axis = lastAxis; axis >= 0; axis--) {
      if (axis === 0) body.push(`  let i0 = flat;`);
      else if (axis >= indexedAxes) body.push(`  flat = flat / ${slot(shape[axis]!)};`);
      else {
        body.push(`  let i${axis} = flat % ${slot(shape[axis]!)};`);
        body.push(`  flat = flat / ${slot(shape[axis]!)};`);
      }
    }
  };
  if (indexing === 'rows') {
    const columns = slot(shape[rank - 1]!);
    body.push(`  let col = gid.x;`);
    body.push(`  if (col >= ${columns}) { return; }`);
    body.push(`  let local = gid.y * ${columns} + col;`);
    if (indexedAxes >= rank) body.push(`  let i${rank - 1} = col;`);
    if (indexedAxes > 0) splitIndex('gid.y', rank - 2);
  } else {
    body.push(`  let local = gid.x + gid.y * ${slot(layout.rowWidth)};`);
    body.push(`  if (local >= ${slot(layout.tileCount)}) { return; }`);
    if (indexedAxes > 0) splitIndex(`${slot(layout.tileStart)} + local`, rank - 1);
  }
  const nodeName = (id: number) => `t${id}`;
  kernel.nodes.forEach((node, id) => {
    let expr: string;
    if (node.kind === 'const') expr = `bitcast<f32>(${slot(constantSlot.get(id)!)}) /* ${wgslNumber(node.value)} */`;
    else if (node.kind === 'read') {
      // Offsets and indices are u32: a negative offset (a window that starts
      // past the read's origin) is its two's complement, and the sum wraps
      // back into the window.
      const terms = [
        slot(readOffset[node.read]!),
        ...readStrides[node.read]!.map((s, axis) => `i${axis} * ${slot(s)}`),
      ];
      expr = `in${readBinding[node.read]}[${terms.join(' + ')}]`;
    } else {
      const emit = wgslEmitters[node.primitive] as Emit<ElementwisePrimitive>;
      expr = emit(node.args.map(nodeName), node.params as never);
    }
    body.push(`  let ${nodeName(id)} = ${expr};`);
  });
  body.push(`  out[local] = ${nodeName(kernel.result)};`);
  const main = body.join('\n');

  const helpers = helperSources(main);
  const lines = [
    // Sizes stay out of the source (they are uniforms), so one pipeline serves every n.
    `// Fused kernel: rank-${rank} output, ${kernel.nodes.length} nodes, ${kernel.reads.length} reads, ${indexing} ` +
      `indexing.`,
    `struct Params { v: array<vec4<u32>, ${layout.slotCount / 4}> }`,
    `@group(0) @binding(0) var<uniform> params: Params;`,
    `@group(0) @binding(1) var<storage, read_write> out: array<f32>;`,
    ...boundInputs.map(
      (_, k) => `@group(0) @binding(${FIRST_INPUT_BINDING + k}) var<storage, read> in${k}: array<f32>;`,
    ),
    ...helpers,
    `@compute @workgroup_size(${workgroupSize})`,
    `fn main(@builtin(global_invocation_id) gid: vec3<u32>) {`,
    main,
    `}`,
  ];
  return { source: lines.join('\n') + '\n', workgroupSize, indexing, boundInputs, readBinding, layout };
}

function slot(index: number): string {
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

/**
 * What the note of a GPU run should say about the numerics of the primitives a graph uses (empty: nothing beyond
 * float32).
 */
export function wgslNumericsNotes(primitives: Iterable<string>): string[] {
  const seen = new Set(primitives);
  return (Object.keys(WGSL_NUMERICS) as ElementwisePrimitive[])
    .filter((p) => seen.has(p))
    .flatMap((p) => WGSL_NUMERICS[p] ?? []);
}

/** Every primitive's emitter, for tests that walk the table. */
export function emitPrimitive(primitive: ElementwisePrimitive, args: readonly string[], params: object = {}): string {
  return (wgslEmitters[primitive] as Emit<ElementwisePrimitive>)(args, params as never);
}
