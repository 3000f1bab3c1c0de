import { describe, expect, it } from 'vitest';
import { sampleIndex } from './surfaceHover';

describe('the hover readout’s grid index', () => {
  it('is the full grid’s index of a sampled point, ends included, as the engine decimates', () => {
    // 5 of 101 points: 0, 25, 50, 75, 100.
    expect([0, 1, 2, 3, 4].map((k) => sampleIndex(101, 5, k))).toEqual([0, 25, 50, 75, 100]);
  });

  it('is the point’s own index where the view holds every point, or only one', () => {
    expect(sampleIndex(80, 80, 41)).toBe(41);
    expect(sampleIndex(80, 1, 0)).toBe(0);
  });
});
