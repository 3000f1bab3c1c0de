// Shape arithmetic shared by arrays, tracing and every backend: sizes,
// row-major strides and NumPy broadcasting. Pure functions, no allocation of
// array data.

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

export function rowMajorStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

export function formatShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, axis) => dim === b[axis]);
}

export function checkShape(shape: Shape): void {
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`);
    }
  }
}

/** NumPy's rule: align trailing axes; each pair must be equal or contain a 1. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const axis = rank - shape.length + i;
      const dim = shape[i]!;
      const current = out[axis]!;
      if (dim === current || dim === 1) continue;
      if (current === 1) out[axis] = dim;
      else {
        throw new Error(
          `shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together: ` +
            `axis ${axis - rank} has sizes ${current} and ${dim}`,
        );
      }
    }
  }
  return out;
}

/**
 * A primitive's operands whose shapes do not broadcast: raised at trace time,
 * worded as JAX words it (lax's broadcasting shape rule, a TypeError there
 * too), so the lesson's naive step on a rectangular grid fails exactly as
 * jnp.add(x, y) does on shapes (300,) and (200,).
 */
export class ShapeError extends TypeError {
  constructor(
    readonly primitive: string,
    readonly shapes: number[][],
  ) {
    super(`${primitive} got incompatible shapes for broadcasting: ${shapes.map(formatShape).join(', ')}.`);
    this.name = 'ShapeError';
  }
}

/** broadcastShapes for a primitive's operands: a mismatch is a ShapeError naming the primitive and every shape. */
export function broadcastOperands(primitive: string, shapes: Shape[]): number[] {
  try {
    return broadcastShapes(...shapes);
  } catch {
    throw new ShapeError(
      primitive,
      shapes.map((s) => [...s]),
    );
  }
}

/** Normalizes a possibly negative axis for an array of the given rank. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${what} ${axis} is out of range for an array of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}
