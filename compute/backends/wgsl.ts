// The WGSL emitter: one fused kernel (fuse.ts) becomes one compute shader.
// One invocation computes one output element: it splits its flat index into
// the output's axes, reads each input through that input's strides (a
// broadcast axis has stride 0, so nothing is ever materialized) and evaluates
// the expression DAG in registers. Sizes, strides, offsets and the tile
// being computed arrive as uniforms, so one pipeline serves every tile, every
// n and every input layout of a graph's structure (what every kernel shares
// is wgslGraph.ts). The source is built only from the graph — numbers, fixed
// identifiers and the emitter table — never from user text.
//
// WGSL has no f64, and many of its built-ins are only loosely specified (sin
// may be off by 2^-11, tanh may return NaN for large inputs, pow is undefined
// for negative bases, atan2/asin/acos may be off by 4096 ulp, log by 2^-21
// near 1, sinh/cosh overflow early, % is not NumPy's mod). Those primitives
// are emitted as helpers written here with explicit range reduction and
// special cases, so every adapter agrees with `scalarSemantics` to float32
// accuracy; WGSL_NUMERICS says, for a run record's note, where a GPU's value
// may still differ from NumPy's.

import type { ElementwisePrimitive } from '../core/primitives.js';
import type { FusedKernel } from './fuse.js';
import { helperSources } from './wgslHelpers.js';
import {
  type WgslParamLayout,
  bindingDeclarations,
  evaluateGraph,
  indexedAxes,
  inputBindings,
  paramLayout,
  slot,
  splitIndex,
} from './wgslGraph.js';

export { helpersFor } from './wgslHelpers.js';
export { FIRST_INPUT_BINDING, type WgslParamLayout, emitPrimitive, wgslNumber } from './wgslGraph.js';

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
  const layout = paramLayout(kernel);
  const { boundInputs, readBinding } = inputBindings(kernel);
  const { shape } = layout;
  const indexed = indexedAxes(kernel);
  const body: string[] = [];
  if (indexing === 'rows') {
    const columns = slot(shape[rank - 1]!);
    body.push(`  let col = gid.x;`);
    body.push(`  if (col >= ${columns}) { return; }`);
    body.push(`  let local = gid.y * ${columns} + col;`);
    if (indexed >= rank) body.push(`  let i${rank - 1} = col;`);
    if (indexed > 0) body.push(...splitIndex(layout, 'gid.y', rank - 2, indexed));
  } else {
    body.push(`  let local = gid.x + gid.y * ${slot(layout.rowWidth)};`);
    body.push(`  if (local >= ${slot(layout.tileCount)}) { return; }`);
    if (indexed > 0) body.push(...splitIndex(layout, `${slot(layout.tileStart)} + local`, rank - 1, indexed));
  }
  const value = evaluateGraph(kernel, layout, readBinding);
  body.push(...value.lines, `  out[local] = ${value.result};`);
  const main = body.join('\n');

  const helpers = helperSources(main);
  const lines = [
    // Sizes stay out of the source (they are uniforms), so one pipeline serves every n.
    `// Fused kernel: rank-${rank} output, ${kernel.nodes.length} nodes, ${kernel.reads.length} reads, ${indexing} ` +
      `indexing.`,
    ...bindingDeclarations(layout, boundInputs),
    `@group(0) @binding(1) var<storage, read_write> out: array<f32>;`,
    ...helpers,
    `@compute @workgroup_size(${workgroupSize})`,
    `fn main(@builtin(global_invocation_id) gid: vec3<u32>) {`,
    main,
    `}`,
  ];
  return { source: lines.join('\n') + '\n', workgroupSize, indexing, boundInputs, readBinding, layout };
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
