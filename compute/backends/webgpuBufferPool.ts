// GPU buffers kept between runs, by size and usage, and the usage flags they
// are made with. Creating a buffer is not free (Dawn zero-fills it: 0.4 s for
// 144 MB on a software adapter), and a warm run should time the work, not the
// allocation — as the CPU allocator recycles its buffers.
//
// This module never records commands or reads a buffer's contents, and it
// never holds a buffer that a run still holds: a buffer is in the pool or
// held by one run, never both.

// The WebGPU specification fixes these flags; Node has no globals for them
// unless someone installed Dawn's, so they are spelt out here.
export const BUFFER_USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;
/** GPUMapMode.READ, for mapAsync. */
export const MAP_READ = 0x0001;

/** Pooled bytes beyond this are given back, oldest first. */
export const POOL_LIMIT_BYTES = 1024 * 1024 * 1024;

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  /** Pooled buffers, oldest first, for trimming. */
  private readonly order: { key: string; buffer: GPUBuffer }[] = [];
  private pooledBytes = 0;

  constructor(
    private readonly device: Pick<GPUDevice, 'createBuffer'>,
    private readonly limitBytes = POOL_LIMIT_BYTES,
  ) {}

  /** A buffer of this size and usage, from the pool or new; recorded in `held` until the run settles. */
  acquire(size: number, usage: number, held: GPUBuffer[]): GPUBuffer {
    const key = `${usage}:${size}`;
    const buffer = this.free.get(key)?.pop();
    if (buffer) {
      this.order.splice(
        this.order.findIndex((e) => e.buffer === buffer),
        1,
      );
      this.pooledBytes -= size;
    }
    const chosen = buffer ?? this.device.createBuffer({ size, usage });
    held.push(chosen);
    return chosen;
  }

  /**
   * Gives back what a run held: to the pool after success; destroyed after a failure, which may have left one
   * mapped.
   */
  settle(held: readonly GPUBuffer[], succeeded: boolean): void {
    for (const buffer of held) {
      if (succeeded) this.release(buffer);
      else buffer.destroy();
    }
  }

  private release(buffer: GPUBuffer): void {
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
    this.order.push({ key, buffer });
    this.pooledBytes += buffer.size;
    while (this.pooledBytes > this.limitBytes && this.order.length) {
      const oldest = this.order.shift()!;
      const bucket = this.free.get(oldest.key)!;
      bucket.splice(bucket.indexOf(oldest.buffer), 1);
      this.pooledBytes -= oldest.buffer.size;
      oldest.buffer.destroy();
    }
  }

  /** Destroys every pooled buffer (the device is going away). */
  clear(): void {
    for (const { buffer } of this.order) buffer.destroy();
    this.free.clear();
    this.order.length = 0;
    this.pooledBytes = 0;
  }
}
