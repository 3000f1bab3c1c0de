// The WGSL of a fused map-reduce (fuse.ts's FusedReduction), in two passes.
// Pass 1: each invocation evaluates the map (wgslGraph.ts) at its elements
// of a run, a grid-stride loop, and folds each value into an accumulator in
// registers; the workgroup then combines its accumulators by a tree in
// workgroup memory (workgroupBarrier between levels) and writes one partial.
// Pass 2: one workgroup per output element reduces that element's partials
// the same way. The map's values are never stored.
//
// A partial is (s, c, i): for sums, the float32 sum and its compensation —
// every join is Knuth's two-sum, so the pair carries the rounding error the
// float32 additions lost, and the CPU adds s + c in float64 at the end: a
// double-float32 sum, whose error is far below the float32 rounding of the
// result (the lesson's grid at 1000² and 4000²: 4e-8 and 3e-8 relative to
// the float64 sum, against 1.2e-7 and 5e-8 for NumPy-style pairwise float32;
// 1e8, 1, −1e8, 1, … sums exactly). For max and min, the extreme and its
// index in the run, ties and NaN settled by index as core/reductions.ts does
// (the first extreme; the first NaN wins), so the split never matters.
//
// Source built only from the graph and the text below, never from user text.

import type { ReductionPrimitive } from '../core/primitives.js';
import type { FusedKernel } from './fuse.js';
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
import { helperSources } from './wgslHelpers.js';

/** Pass 1's own words in the uniform block: the leading three, and one extra slot for the run's length. */
export const REDUCE_WORDS = {
  /** First element of the run this dispatch folds in (0: start from empty, else from the stored partial). */
  first: 0,
  /** One past the last element of the run this dispatch folds in. */
  end: 1,
  /** Pass-1 workgroups per output element (partials per output element). */
  groups: 2,
} as const;

/** Bytes of one partial (s: f32, c: f32, i: u32, padding). */
export const PARTIAL_BYTES = 16;

const PARTIAL_STRUCT = 'struct Partial { s: f32, c: f32, i: u32, pad: u32 }';

/** The index of a partial that holds no element yet. */
export const NO_INDEX = 0xffffffff;

export interface WgslReduction {
  readonly kind: ReductionPrimitive;
  /** Pass 1: the map folded into one partial per workgroup. Binding 1: the partials; 2…: the inputs. */
  readonly pass1: string;
  /** Pass 2: a segment's partials to one. Binding 0: (groups) as uniform, 1: the partials, 2: the results. */
  readonly pass2: string;
  readonly workgroupSize: number;
  readonly boundInputs: readonly number[];
  readonly readBinding: readonly number[];
  /** Pass 1's uniform block; `extra[0]` is the run length per output element, `extra[1]` a zero (see opaque). */
  readonly layout: WgslParamLayout;
}

/** The largest power of two not above `size`: the tree halves the workgroup at each level. */
export function treeWorkgroupSize(size: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, size)));
}

export function wgslReduction(kernel: FusedKernel, workgroupSize: number): WgslReduction {
  const reduce = kernel.reduce;
  if (!reduce) throw new Error('wgsl: wgslReduction needs a map-reduce kernel (fuse.ts)');
  const size = treeWorkgroupSize(workgroupSize);
  const layout = paramLayout(kernel, 2);
  const { boundInputs, readBinding } = inputBindings(kernel);
  const rank = kernel.outShape.length;
  const indexed = indexedAxes(kernel);
  const length = slot(layout.extra[0]!);
  const value = evaluateGraph(kernel, layout, readBinding);
  const element = [
    ...(indexed > 0 ? splitIndex(layout, `seg * ${length} + e`, rank - 1, indexed) : []),
    ...value.lines,
    `  acc = join_partials(acc, Partial(${value.result}, 0.0f, e, 0u));`,
  ].map((line) => `  ${line}`);
  const pass1Main = [
    `  let seg = wid.y;`,
    `  let groups = ${slot(REDUCE_WORDS.groups)};`,
    `  let first = ${slot(REDUCE_WORDS.first)};`,
    `  let end = ${slot(REDUCE_WORDS.end)};`,
    `  let at = seg * groups + wid.x;`,
    `  var acc = empty_partial();`,
    // A run cut into several dispatches carries on from its partial; only one invocation takes it up.
    `  if (first > 0u && lid.x == 0u) { acc = partials[at]; }`,
    `  let stride = groups * ${size}u;`,
    // Counted from `first`, so no index wraps past 2^32 - 1 near the end of a long run.
    `  let count = end - first;`,
    `  var r = wid.x * ${size}u + lid.x;`,
    `  loop {`,
    `    if (r >= count) { break; }`,
    `    let e = first + r;`,
    ...element,
    `    if (count - r <= stride) { break; }`,
    `    r = r + stride;`,
    `  }`,
    ...treeLines(size, 'partials[at]'),
  ];
  const pass1 = shader(
    reduce.kind,
    size,
    [
      `// Map-reduce pass 1 (${reduce.kind}): rank-${rank} loop, ${kernel.nodes.length} nodes, ` +
        `${kernel.reads.length} reads.`,
      PARTIAL_STRUCT,
      ...bindingDeclarations(layout, boundInputs),
      `@group(0) @binding(1) var<storage, read_write> partials: array<Partial>;`,
    ],
    pass1Main,
    slot(layout.extra[1]!),
  );
  const pass2Main = [
    `  let groups = params.v[0].x;`,
    `  let base = wid.y * groups;`,
    `  var acc = empty_partial();`,
    `  for (var p = lid.x; p < groups; p = p + ${size}u) { acc = join_partials(acc, partials[base + p]); }`,
    ...treeLines(size, 'results[wid.y]'),
  ];
  const pass2 = shader(
    reduce.kind,
    size,
    [
      `// Map-reduce pass 2 (${reduce.kind}): each output element's partials to one.`,
      PARTIAL_STRUCT,
      `struct Params { v: array<vec4<u32>, 1> }`,
      `@group(0) @binding(0) var<uniform> params: Params;`,
      `@group(0) @binding(1) var<storage, read> partials: array<Partial>;`,
      `@group(0) @binding(2) var<storage, read_write> results: array<Partial>;`,
    ],
    pass2Main,
    'params.v[0].y',
  );
  return { kind: reduce.kind, pass1, pass2, workgroupSize: size, boundInputs, readBinding, layout };
}

/** The workgroup's accumulators combined by halves, then written to `target` by the first invocation. */
function treeLines(size: number, target: string): string[] {
  return [
    `  scratch[lid.x] = acc;`,
    `  workgroupBarrier();`,
    `  for (var half = ${size >> 1}u; half > 0u; half = half >> 1u) {`,
    `    if (lid.x < half) { scratch[lid.x] = join_partials(scratch[lid.x], scratch[lid.x + half]); }`,
    `    workgroupBarrier();`,
    `  }`,
    `  if (lid.x == 0u) { ${target} = scratch[0]; }`,
  ];
}

/**
 * A shader: its declarations, the workgroup scratch, the helpers and join it
 * calls, and main. `zero` is a uniform word the run sets to 0.
 */
function shader(
  kind: ReductionPrimitive,
  size: number,
  declarations: readonly string[],
  body: readonly string[],
  zero: string,
): string {
  const join = joinSource(kind);
  return [
    ...declarations,
    `var<workgroup> scratch: array<Partial, ${size}>;`,
    // Float math in a shader may be simplified as if exact (Mesa does: (a + b) - a becomes b), which would
    // turn the two-sum's error term into 0; a value passed through an XOR with a zero only known at run time
    // is opaque to such rewriting, and unchanged.
    `fn opaque(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ ${zero}); }`,
    ...helperSources(`${join}\n${body.join('\n')}`),
    join,
    `@compute @workgroup_size(${size})`,
    `fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {`,
    ...body,
    `}`,
    '',
  ].join('\n');
}

/** The empty partial and how two join, for one kind of reduction. */
function joinSource(kind: ReductionPrimitive): string {
  if (kind === 'reduce_sum') {
    return `fn empty_partial() -> Partial { return Partial(0.0f, 0.0f, 0u, 0u); }
// Knuth's two-sum: s is a.s + b.s rounded, err exactly what the rounding lost.
fn join_partials(a: Partial, b: Partial) -> Partial {
  let s = opaque(a.s + b.s);
  let bv = opaque(s - a.s);
  let err = (a.s - (s - bv)) + (b.s - bv);
  return Partial(s, (a.c + b.c) + err, 0u, 0u);
}`;
  }
  const better = kind === 'reduce_max' || kind === 'argmax' ? '>' : '<';
  return `fn empty_partial() -> Partial { return Partial(0.0f, 0.0f, ${NO_INDEX}u, 0u); }
// The extreme of the two, by value; on a tie, or between two NaNs, the lower index; a NaN beats any number.
fn join_partials(a: Partial, b: Partial) -> Partial {
  if (b.i == ${NO_INDEX}u) { return a; }
  if (a.i == ${NO_INDEX}u) { return b; }
  let a_nan = vlab_is_nan(a.s);
  let b_nan = vlab_is_nan(b.s);
  var a_wins = a.s ${better} b.s;
  if (a_nan || b_nan) { a_wins = a_nan && (!b_nan || a.i < b.i); }
  else if (a.s == b.s) { a_wins = a.i < b.i; }
  if (a_wins) { return a; }
  return b;
}`;
}
