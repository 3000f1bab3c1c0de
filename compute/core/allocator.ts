// The one place buffers come from. It counts live bytes and the peak so that a
// run's memory is a measured figure, and it recycles freed buffers (as XLA's
// allocator does): the first touch of fresh pages costs more than the
// arithmetic on them, so a repeat should not pay it again. Reserve held for
// reuse is never counted as live. It must never hand out a buffer twice.

import { type DType, type FloatArray, itemSize } from './dtype.js';

export interface AllocationStats {
  liveBytes: number;
  peakBytes: number;
  /** Bytes held for reuse, not live: the pool. */
  reservedBytes: number;
  freshAllocations: number;
  recycledAllocations: number;
}

export interface Buffer {
  readonly dtype: DType;
  readonly data: FloatArray;
  /** True when the pages were new to this process (first touch still to pay). */
  readonly fresh: boolean;
  /** False once freed: a second free is a bug. */
  live: boolean;
}

/** A pool larger than this is trimmed, oldest first, so reserve cannot grow without bound. */
const DEFAULT_RESERVE_LIMIT = 2 * 1024 ** 3;

export class Allocator {
  private live = 0;
  private peak = 0;
  private reserved = 0;
  private fresh = 0;
  private recycled = 0;
  /** Freed buffers by dtype, then by length. */
  private readonly pool: Record<DType, Map<number, FloatArray[]>> = { float32: new Map(), float64: new Map() };

  constructor(private readonly reserveLimit = DEFAULT_RESERVE_LIMIT) {}

  alloc(dtype: DType, length: number): Buffer {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`cannot allocate ${length} elements: length must be a non-negative integer`);
    }
    const bytes = length * itemSize(dtype);
    const bucket = this.pool[dtype].get(length);
    let data = bucket?.pop();
    const isFresh = data === undefined;
    if (data === undefined) {
      data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
      this.fresh++;
    } else {
      this.reserved -= bytes;
      this.recycled++;
    }
    this.live += bytes;
    if (this.live > this.peak) this.peak = this.live;
    return { dtype, data, fresh: isFresh, live: true };
  }

  /** Returns a buffer to the pool. Freeing one twice is a bug and throws. */
  free(buffer: Buffer): void {
    if (!buffer.live) throw new Error('allocator: buffer freed twice');
    buffer.live = false;
    const data = buffer.data;
    const bytes = data.byteLength;
    this.live -= bytes;
    if (bytes === 0) return;
    const lengths = this.pool[buffer.dtype];
    let bucket = lengths.get(data.length);
    if (!bucket) lengths.set(data.length, (bucket = []));
    bucket.push(data);
    this.reserved += bytes;
    if (this.reserved > this.reserveLimit) this.trim();
  }

  stats(): AllocationStats {
    return {
      liveBytes: this.live,
      peakBytes: this.peak,
      reservedBytes: this.reserved,
      freshAllocations: this.fresh,
      recycledAllocations: this.recycled,
    };
  }

  /** Starts a new measurement window: the peak restarts from what is live now. */
  resetPeak(): number {
    this.peak = this.live;
    return this.live;
  }

  /** Drops the reserve (e.g. when the user asks for a grid that needs the room). */
  releaseReserve(): void {
    this.pool.float32.clear();
    this.pool.float64.clear();
    this.reserved = 0;
  }

  private trim(): void {
    for (const lengths of Object.values(this.pool)) {
      for (const [length, bucket] of lengths) {
        while (bucket.length > 0 && this.reserved > this.reserveLimit) this.reserved -= bucket.shift()!.byteLength;
        if (bucket.length === 0) lengths.delete(length);
        if (this.reserved <= this.reserveLimit) return;
      }
    }
  }
}

/** The engine's allocator. Every NDArray buffer comes from here. */
export const allocator = new Allocator();
