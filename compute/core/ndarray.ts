// The engine's array: a dtype, a shape, strides and an offset over a buffer
// obtained from the allocator. Views (broadcast, transpose, expand_dims,
// reshape of contiguous data) share the buffer and never copy; broadcasting is
// stride 0. Memory is the engine's business: buffers return to the allocator
// when the last array on them is disposed or collected.

import { allocator, type Buffer } from './allocator.js';
import { type DType, type FloatArray, itemSize } from './dtype.js';
import { broadcastStrides, elementOffset, forEachOffset, permutation, resolveReshape } from './layout.js';
import { type NestedNumbers, inferShape } from './nested.js';
import { type Shape, checkShape, formatShape, normalizeAxis, rowMajorStrides, sizeOf } from './shape.js';

export type { NestedNumbers } from './nested.js';

/** A buffer plus the number of arrays that still use it. */
class Storage {
  refs = 0;
  constructor(readonly buffer: Buffer) {}
  release(): void {
    if (--this.refs === 0) allocator.free(this.buffer);
  }
}

// Safety net for arrays the caller never disposes: their buffer goes back when
// the array is collected. Deterministic code (strategies) disposes explicitly.
const collected = new FinalizationRegistry<Storage>((storage) => storage.release());

export class NDArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  private readonly storage: Storage;
  private disposed = false;
  private signature: string | undefined;

  private constructor(storage: Storage, shape: Shape, strides: Shape, offset: number) {
    this.storage = storage;
    this.dtype = storage.buffer.dtype;
    // Callers hand over arrays of their own (empty and view copy), so no freezing here:
    // this runs once per jitted call, millions of times in the loops strategy.
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    storage.refs++;
    collected.register(this, storage, this);
  }

  /** A new contiguous array with unspecified contents (callers fill every element). */
  static empty(shape: Shape, dtype: DType = 'float32'): NDArray {
    checkShape(shape);
    const storage = new Storage(allocator.alloc(dtype, sizeOf(shape)));
    return new NDArray(storage, shape.slice(), rowMajorStrides(shape), 0);
  }

  static full(shape: Shape, value: number, dtype: DType = 'float32'): NDArray {
    const array = NDArray.empty(shape, dtype);
    array.data.fill(value);
    return array;
  }

  static zeros(shape: Shape, dtype: DType = 'float32'): NDArray {
    return NDArray.full(shape, 0, dtype);
  }

  static scalar(value: number, dtype: DType = 'float32'): NDArray {
    return NDArray.full([], value, dtype);
  }

  /** Copies nested JS arrays or a flat list into a new array. */
  static from(values: number | NestedNumbers | ArrayLike<number>, dtype: DType = 'float32', shape?: Shape): NDArray {
    const flat: number[] = [];
    const inferred = inferShape(values, flat);
    const target = shape ?? inferred;
    if (sizeOf(target) !== flat.length) {
      throw new Error(`cannot make an array of shape ${formatShape(target)} from ${flat.length} values`);
    }
    const array = NDArray.empty(target, dtype);
    array.data.set(flat);
    return array;
  }

  /** The whole underlying buffer (views index it through strides and offset). */
  get data(): FloatArray {
    this.checkAlive();
    return this.storage.buffer.data;
  }

  /** True when the buffer's pages were fresh when allocated (not recycled). */
  get freshBuffer(): boolean {
    return this.storage.buffer.fresh;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get itemsize(): number {
    return itemSize(this.dtype);
  }

  /** Bytes of the buffer this array holds, as NumPy's nbytes: size × itemsize. */
  get nbytes(): number {
    return this.size * this.itemsize;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** True when elements are laid out row-major with no gaps from the offset on. */
  get isContiguous(): boolean {
    const expected = rowMajorStrides(this.shape);
    return this.shape.every((dim, axis) => dim === 1 || this.strides[axis] === expected[axis]);
  }

  /** What jit keys its cache on: dtype, shape and which axes are broadcast (stride 0). Cached. */
  get signatureKey(): string {
    if (this.signature === undefined) {
      let key = `${this.dtype}[${this.shape.join(',')}]`;
      for (let axis = 0; axis < this.shape.length; axis++)
        if (this.strides[axis] === 0 && this.shape[axis]! > 1) key += `z${axis}`;
      this.signature = key;
    }
    return this.signature;
  }

  /** Gives the buffer back now rather than at collection. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    collected.unregister(this);
    this.storage.release();
  }

  /** Element at an index (negative indices count from the end, as in NumPy). */
  get(...index: number[]): number {
    return this.data[this.flatIndex(index)]!;
  }

  set(value: number, ...index: number[]): void {
    this.data[this.flatIndex(index)] = value;
  }

  /** The value of a size-1 array, as NumPy's item(). */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs an array of size 1, got shape ${formatShape(this.shape)}`);
    return this.data[this.offset]!;
  }

  /** A row-major copy of the elements as a plain typed array of this dtype (not counted: it leaves the engine). */
  toTypedArray(): FloatArray {
    const out = this.dtype === 'float32' ? new Float32Array(this.size) : new Float64Array(this.size);
    if (this.isContiguous) out.set(this.data.subarray(this.offset, this.offset + this.size));
    else {
      let k = 0;
      this.forEachOffset((offset) => (out[k++] = this.data[offset]!));
    }
    return out;
  }

  /** Nested JS arrays, as NumPy's tolist(). */
  toList(): number | NestedNumbers {
    const flat = this.toTypedArray();
    const build = (axis: number, start: number): number | NestedNumbers => {
      if (axis === this.ndim) return flat[start]!;
      const inner = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis]! }, (_, i) => build(axis + 1, start + i * inner));
    };
    return build(0, 0);
  }

  /** Calls visit with the buffer offset of every element, in row-major order. */
  forEachOffset(visit: (offset: number) => void): void {
    forEachOffset(this.shape, this.strides, this.offset, visit);
  }

  /** A contiguous copy in a new buffer (or the same dtype cast). */
  copy(dtype: DType = this.dtype): NDArray {
    const out = NDArray.empty(this.shape, dtype);
    const dst = out.data;
    if (this.isContiguous && dtype === this.dtype) dst.set(this.data.subarray(this.offset, this.offset + this.size));
    else {
      let k = 0;
      const src = this.data;
      this.forEachOffset((offset) => (dst[k++] = src[offset]!));
    }
    return out;
  }

  astype(dtype: DType): NDArray {
    return dtype === this.dtype ? this : this.copy(dtype);
  }

  /** A view with the same buffer and other geometry (no copy). */
  view(shape: Shape, strides: Shape, offset = this.offset): NDArray {
    this.checkAlive();
    return new NDArray(this.storage, shape.slice(), strides.slice(), offset);
  }

  /** NumPy's reshape: a view when the data is contiguous, otherwise a copy. One axis may be -1. */
  reshape(...shapeArgs: number[] | [Shape]): NDArray {
    const requested = (Array.isArray(shapeArgs[0]) ? shapeArgs[0] : shapeArgs) as number[];
    const shape = resolveReshape(requested, this.size, this.shape);
    if (this.isContiguous) return this.view(shape, rowMajorStrides(shape));
    const copied = this.copy();
    const reshaped = copied.view(shape, rowMajorStrides(shape));
    copied.dispose();
    return reshaped;
  }

  /** A stride-0 view with the broadcast shape: the memory of a broadcast input is never copied. */
  broadcastTo(shape: Shape): NDArray {
    return this.view(shape, broadcastStrides(this.shape, this.strides, shape));
  }

  expandDims(axis: number): NDArray {
    const at = normalizeAxis(axis, this.ndim + 1);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(at, 0, 1);
    strides.splice(at, 0, 0);
    return this.view(shape, strides);
  }

  transpose(perm?: readonly number[]): NDArray {
    const axes = permutation(this.ndim, perm);
    return this.view(
      axes.map((a) => this.shape[a]!),
      axes.map((a) => this.strides[a]!),
    );
  }

  /** Moves one axis to a new position, as NumPy's moveaxis. */
  moveAxis(source: number, destination: number): NDArray {
    const from = normalizeAxis(source, this.ndim);
    const to = normalizeAxis(destination, this.ndim);
    const order = this.shape.map((_, axis) => axis).filter((axis) => axis !== from);
    order.splice(to, 0, from);
    return this.transpose(order);
  }

  /** Slice i along axis 0 as a view (x[i] in NumPy). */
  index(i: number): NDArray {
    if (this.ndim === 0) throw new Error('cannot index a 0-d array');
    const at = normalizeAxis(i, this.shape[0]!, 'index');
    return this.view(this.shape.slice(1), this.strides.slice(1), this.offset + at * this.strides[0]!);
  }

  /** Rows [start, stop) along axis 0 as a view. */
  slice(start: number, stop: number): NDArray {
    if (this.ndim === 0) throw new Error('cannot slice a 0-d array');
    const n = this.shape[0]!;
    if (!(Number.isInteger(start) && Number.isInteger(stop) && 0 <= start && start <= stop && stop <= n)) {
      throw new RangeError(`slice [${start}, ${stop}) is out of range for an axis of size ${n}`);
    }
    return this.view([stop - start, ...this.shape.slice(1)], this.strides, this.offset + start * this.strides[0]!);
  }

  toString(): string {
    return `NDArray(${formatShape(this.shape)}, ${this.dtype})`;
  }

  private flatIndex(index: number[]): number {
    return elementOffset(this.shape, this.strides, this.offset, index);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this array was disposed; its buffer went back to the allocator');
  }
}
