// The buffer pool over a stand-in device that only counts what it creates
// and destroys: a warm run reuses its buffers, a failed run never returns
// one (it may still be mapped), and the pool trims its oldest beyond its limit.

import { describe, expect, it } from 'vitest';
import { BUFFER_USAGE, BufferPool } from './webgpuBufferPool.js';

interface FakeBuffer {
  readonly size: number;
  readonly usage: number;
  destroyed: boolean;
  destroy(): void;
}

/** createBuffer is all the pool asks of a device. */
function fakeDevice() {
  const created: FakeBuffer[] = [];
  const device = {
    createBuffer({ size, usage }: GPUBufferDescriptor): GPUBuffer {
      const buffer: FakeBuffer = { size, usage, destroyed: false, destroy: () => void (buffer.destroyed = true) };
      created.push(buffer);
      return buffer as unknown as GPUBuffer;
    },
  };
  return { device, created };
}

const STORAGE = BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_DST;
const STAGING = BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST;

describe('the GPU buffer pool', () => {
  it('gives a later run the buffers an earlier run gave back, matched by size and usage', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device);
    const first: GPUBuffer[] = [];
    const a = pool.acquire(1024, STORAGE, first);
    const b = pool.acquire(1024, STAGING, first);
    expect(first).toEqual([a, b]);
    pool.settle(first, true);
    const second: GPUBuffer[] = [];
    expect(pool.acquire(1024, STAGING, second)).toBe(b);
    expect(pool.acquire(1024, STORAGE, second)).toBe(a);
    expect(pool.acquire(1024, STORAGE, second), 'one buffer is never held twice').not.toBe(a);
    expect(pool.acquire(2048, STORAGE, second), 'another size is another buffer').not.toBe(a);
    expect(created).toHaveLength(4);
  });

  it('destroys, never pools, what a failed run held', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device);
    const held: GPUBuffer[] = [];
    pool.acquire(256, STAGING, held);
    pool.settle(held, false);
    expect(created[0]!.destroyed).toBe(true);
    const next: GPUBuffer[] = [];
    expect(pool.acquire(256, STAGING, next)).not.toBe(held[0]);
    expect(created).toHaveLength(2);
  });

  it('gives back its oldest buffers once it holds more than its limit, and all of them when cleared', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device, 1000);
    const held: GPUBuffer[] = [];
    for (let k = 0; k < 3; k++) pool.acquire(400 + k, STORAGE, held);
    pool.settle(held, true);
    expect(
      created.map((b) => b.destroyed),
      '1203 bytes > 1000: the oldest goes',
    ).toEqual([true, false, false]);
    const again: GPUBuffer[] = [];
    expect(pool.acquire(400, STORAGE, again), 'the trimmed one is not handed out').not.toBe(held[0]);
    expect(pool.acquire(401, STORAGE, again)).toBe(held[1]);
    pool.clear();
    expect(
      created.map((b) => b.destroyed),
      'cleared: pooled ones destroyed, held ones left to their run',
    ).toEqual([true, false, true, false]);
  });
});
