// Nested JS lists as arrays: the shape a nested list (or a flat typed array)
// describes, with its numbers flattened in row-major order.

import { sameShape } from './shape.js';

export type NestedNumbers = Array<number | NestedNumbers>;

/** The shape of a number, a nested list or a typed array; pushes its numbers onto flat in row-major order. */
export function inferShape(values: unknown, flat: number[]): number[] {
  if (typeof values === 'number') {
    flat.push(values);
    return [];
  }
  if (Array.isArray(values)) {
    if (values.length === 0) return [0];
    const shapes = values.map((v) => inferShape(v, flat));
    const first = shapes[0]!;
    if (!shapes.every((s) => sameShape(s, first))) throw new Error('ragged nested arrays cannot become an NDArray');
    return [values.length, ...first];
  }
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const list = values as unknown as ArrayLike<number>;
    for (let i = 0; i < list.length; i++) flat.push(list[i]!);
    return [list.length];
  }
  throw new TypeError(`cannot make an array from ${typeof values}`);
}
