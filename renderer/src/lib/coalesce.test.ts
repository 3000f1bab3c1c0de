import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('coalesced requests', () => {
  it('make one call for a burst of values, with the last of them', async () => {
    const calls: number[] = [];
    const follow = coalesce(async (value: number) => {
      calls.push(value);
    }, 5);
    for (let k = 1; k <= 10; k++) follow(k);
    await tick(30);
    expect(calls).toEqual([10]);
  });

  it('keep one call in flight and run the latest value that arrived meanwhile next, dropping those before it', async () => {
    const calls: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    let release: () => void = () => {};
    const follow = coalesce(async (value: number) => {
      calls.push(value);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise<void>((resolve) => (release = resolve));
      inFlight--;
    }, 0);
    follow(1);
    await tick(5);
    follow(2);
    follow(3);
    await tick(5);
    expect(calls).toEqual([1]);
    release();
    await tick(5);
    expect(calls).toEqual([1, 3]);
    release();
    await tick(5);
    expect(mostInFlight).toBe(1);
  });
});
