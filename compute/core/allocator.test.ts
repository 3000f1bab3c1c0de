import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.js';

describe('Allocator', () => {
  it('counts live bytes and keeps the peak', () => {
    const a = new Allocator();
    const b1 = a.alloc('float64', 100);
    const b2 = a.alloc('float32', 100);
    expect(a.stats().liveBytes).toBe(1200);
    a.free(b1);
    expect(a.stats().liveBytes).toBe(400);
    expect(a.stats().peakBytes).toBe(1200);
    a.free(b2);
    expect(a.stats().liveBytes).toBe(0);
  });

  it('recycles a freed buffer of the same dtype and length, and does not count the reserve as live', () => {
    const a = new Allocator();
    const first = a.alloc('float64', 64);
    expect(first.fresh).toBe(true);
    a.free(first);
    expect(a.stats()).toMatchObject({ liveBytes: 0, reservedBytes: 512 });
    const second = a.alloc('float64', 64);
    expect(second.fresh).toBe(false);
    expect(second.data).toBe(first.data);
    expect(a.alloc('float32', 64).fresh).toBe(true);
  });

  it('restarts the peak from what is live when a measurement starts', () => {
    const a = new Allocator();
    const big = a.alloc('float64', 1000);
    a.free(big);
    const held = a.alloc('float64', 10);
    expect(a.resetPeak()).toBe(80);
    expect(a.stats().peakBytes).toBe(80);
    a.free(held);
  });

  it('refuses to free a buffer twice', () => {
    const a = new Allocator();
    const b = a.alloc('float32', 4);
    a.free(b);
    expect(() => a.free(b)).toThrow(/freed twice/);
  });

  it('trims the reserve to its limit', () => {
    const a = new Allocator(1000);
    const buffers = [1, 2, 3].map(() => a.alloc('float64', 100));
    for (const b of buffers) a.free(b);
    expect(a.stats().reservedBytes).toBeLessThanOrEqual(1000);
  });

  it('rejects negative or fractional lengths', () => {
    expect(() => new Allocator().alloc('float32', -1)).toThrow(RangeError);
    expect(() => new Allocator().alloc('float32', 1.5)).toThrow(RangeError);
  });
});
