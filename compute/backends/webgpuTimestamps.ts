// The GPU's own clock around one compute pass, on adapters with the
// 'timestamp-query' feature: two timestamps written at the pass's start and
// end, resolved and copied to a mappable buffer, read as milliseconds.
//
// This module never decides which clock a run reports (the executable falls
// back to a fence where this gives nothing), and it never submits work: the
// caller records its writes and resolve into its own command encoder.

import { BUFFER_USAGE, MAP_READ } from './webgpuBufferPool.js';

export class TimestampQuery {
  private readonly set: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly staging: GPUBuffer;

  constructor(device: GPUDevice) {
    const U = BUFFER_USAGE;
    this.set = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolved = device.createBuffer({ size: 16, usage: U.QUERY_RESOLVE | U.COPY_SRC });
    this.staging = device.createBuffer({ size: 16, usage: U.MAP_READ | U.COPY_DST });
  }

  get writes(): GPUComputePassTimestampWrites {
    return { querySet: this.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
  }

  resolve(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.set, 0, 2, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, this.staging, 0, 16);
  }

  /** Milliseconds between the pass's start and end, or null when the clock gave nothing usable. */
  async read(): Promise<number | null> {
    await this.staging.mapAsync(MAP_READ);
    const [begin, end] = new BigUint64Array(this.staging.getMappedRange().slice(0));
    this.staging.unmap();
    if (begin === undefined || end === undefined || end <= begin) return null;
    return Number(end - begin) / 1e6;
  }

  destroy(): void {
    this.set.destroy();
    this.resolved.destroy();
    this.staging.destroy();
  }
}
