// The JS backend's fused map-reduce: the generated loop keeps each output
// element's accumulator in locals (value, compensation, index of the
// extreme) over that element's run of the loop, loaded from and stored to a
// small Float64Array (three numbers per output element), so a reduction
// sliced across calls (cancellable runs) carries on where it stopped and the
// map's values are never stored. The meaning is core/reductions.ts's.

import { type Partial, emptyPartial, finish } from '../core/reductions.js';
import type { ReductionPrimitive } from '../core/primitives.js';

/** Locals for the next output element: `seg` (its index), `base` (its first loop index), `s`, `c`, `ix`. */
export function accumulatorOpen(indent: string, runLength: number): string[] {
  return [
    `${indent}const seg = segNext++;`,
    `${indent}const base = seg * ${runLength};`,
    `${indent}let s = acc[3 * seg], c = acc[3 * seg + 1], ix = acc[3 * seg + 2];`,
  ];
}

/** Where the output elements of a call start: its first row's, in elements of the result. */
export function segmentStart(resultShape: readonly number[]): string {
  return resultShape.length === 0
    ? 'let segNext = 0;'
    : `let segNext = rowStart * ${resultShape.slice(1).reduce((n, d) => n * d, 1)};`;
}

export function accumulatorClose(indent: string): string[] {
  return [`${indent}acc[3 * seg] = s; acc[3 * seg + 1] = c; acc[3 * seg + 2] = ix;`];
}

/** One value `v` joins the accumulator (Neumaier's sum; the first extreme, the first NaN). */
export function accumulate(kind: ReductionPrimitive, v: string, indent: string): string[] {
  const body =
    kind === 'reduce_sum'
      ? [`const t = s + ${v};`, `c += Math.abs(s) >= Math.abs(${v}) ? s - t + ${v} : ${v} - t + s;`, 's = t;']
      : [
          `if (ix < 0 || ${v} ${kind === 'reduce_max' || kind === 'argmax' ? '>' : '<'} s || (${v} !== ${v} && s ` +
            `=== s)) {`,
          `  s = ${v}; ix = o - base;`,
          '}',
        ];
  return [...body, 'o++;'].map((line) => `${indent}${line}`);
}

export function emptyAccumulators(kind: ReductionPrimitive, count: number): Float64Array {
  const empty = emptyPartial(kind);
  const acc = new Float64Array(3 * count);
  for (let k = 0; k < count; k++) acc.set([empty.value, empty.compensation, empty.index], 3 * k);
  return acc;
}

export function finishAccumulators(
  kind: ReductionPrimitive,
  acc: Float64Array,
  out: Float32Array | Float64Array,
): void {
  for (let k = 0; k < out.length; k++) {
    const partial: Partial = { value: acc[3 * k]!, compensation: acc[3 * k + 1]!, index: acc[3 * k + 2]! };
    out[k] = finish(kind, partial);
  }
}
