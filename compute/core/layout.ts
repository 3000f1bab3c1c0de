// Strided layout arithmetic: where elements live in a buffer given a shape,
// strides and an offset. Pure functions over numbers; NDArray's views and
// copies are built on them.

import { type Shape, broadcastShapes, checkShape, formatShape, normalizeAxis, sameShape, sizeOf } from './shape.js';

/** Calls visit with the buffer offset of every element, in row-major order. */
export function forEachOffset(shape: Shape, strides: Shape, start: number, visit: (offset: number) => void): void {
  const rank = shape.length;
  if (sizeOf(shape) === 0) return;
  const index = new Array<number>(rank).fill(0);
  let offset = start;
  for (;;) {
    visit(offset);
    let axis = rank - 1;
    while (axis >= 0) {
      index[axis]!++;
      offset += strides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      offset -= strides[axis]! * shape[axis]!;
      index[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/** The buffer offset of one element (negative indices count from the end, as in NumPy). */
export function elementOffset(shape: Shape, strides: Shape, start: number, index: Shape): number {
  if (index.length !== shape.length) {
    throw new Error(`index has ${index.length} entries but the array has ${shape.length} axes`);
  }
  let offset = start;
  for (let axis = 0; axis < index.length; axis++) {
    const at = normalizeAxis(index[axis]!, shape[axis]!, `index`);
    offset += at * strides[axis]!;
  }
  return offset;
}

/** The strides that broadcast (shape, strides) to target: stride 0 wherever an axis is new or stretched. */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  if (!sameShape(broadcastShapes(shape, target), target)) {
    throw new Error(`cannot broadcast shape ${formatShape(shape)} to ${formatShape(target)}`);
  }
  const lead = target.length - shape.length;
  return target.map((dim, axis) => {
    if (axis < lead) return 0;
    return shape[axis - lead] === 1 && dim !== 1 ? 0 : strides[axis - lead]!;
  });
}

/** The axes of a transpose, checked and normalized; the default reverses them, as NumPy's. */
export function permutation(ndim: number, perm?: readonly number[]): number[] {
  const order = perm ?? Array.from({ length: ndim }, (_, axis) => ndim - 1 - axis);
  if (order.length !== ndim || new Set(order).size !== ndim) {
    throw new Error(`transpose needs a permutation of ${ndim} axes, got [${order.join(', ')}]`);
  }
  return order.map((a) => normalizeAxis(a, ndim));
}

/** The shape a reshape asks for, with its one -1 resolved; throws when the sizes differ. */
export function resolveReshape(requested: number[], size: number, from: Shape): number[] {
  const unknown = requested.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error('reshape: only one dimension may be -1');
  const known = sizeOf(requested.filter((d) => d !== -1));
  const shape = requested.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  checkShape(shape);
  if (sizeOf(shape) !== size) {
    throw new Error(
      `cannot reshape an array of shape ${formatShape(from)} (size ${size}) into ${formatShape(requested)}`,
    );
  }
  return shape;
}
