import { describe, expect, it } from 'vitest';
import type { RunSettings } from '../../../main/contract';
import { recordFixture } from '../../../test/fixtures';
import { answerText, currentAnswer } from './answerText';

const settings: RunSettings = {
  nx: 80,
  ny: 80,
  xRange: [-2, 2],
  yRange: [-2, 2],
  dtype: 'float32',
  formula: 'x + y',
  strategies: ['vmap', 'pmap'],
  repeats: 3,
  devices: 0,
  reduce: 'max',
};
const maxRecord = recordFixture('vmap', 80, 1, {
  reduce: 'max',
  value: 3.9999,
  at: { i: 79, j: 79, x: 2, y: 2 },
  reference: 4,
  error: 1e-4,
});

describe('a run to a number, in words', () => {
  it('gives max with its location, i and j and x and y, and the reference with the error', () => {
    expect(answerText(maxRecord)).toEqual({
      value: 'max f = 3.9999',
      location: 'at i = 79, j = 79 (x = 2, y = 2)',
      check: 'reference 4 (float64) · error 1.0e-4',
    });
  });

  it('gives mean with mean × area, the integral, and a relative error', () => {
    const mean = recordFixture('pmap', 80, 1, { reduce: 'mean', value: 0.25, integral: 4, reference: 0.25, error: 0 });
    expect(answerText(mean)).toEqual({
      value: 'mean f = 0.25',
      integral: '× area 16 ≈ ∫∫ f dx dy = 4',
      check: 'reference 0.25 (float64) · relative error 0',
    });
  });

  it('says nothing for a record of the grid', () => {
    expect(answerText(recordFixture('vmap'))).toBeUndefined();
  });
});

describe('the answer the surface shows', () => {
  it('is the first record of these settings and output that matches its reference, never naive', () => {
    const naive = { ...maxRecord, strategy: 'naive' as const, allclose: false };
    const wrong = { ...maxRecord, strategy: 'loops' as const, allclose: false };
    const pmap = { ...maxRecord, strategy: 'pmap' as const };
    expect(currentAnswer([naive, wrong, pmap], settings)).toBe(pmap);
    expect(currentAnswer([naive, wrong], settings)).toBe(wrong);
    expect(currentAnswer([naive, undefined], settings)).toBeUndefined();
  });

  it('is none when the records are of another output or another grid', () => {
    expect(currentAnswer([maxRecord], { ...settings, reduce: 'min' })).toBeUndefined();
    expect(currentAnswer([maxRecord], { ...settings, nx: 81 })).toBeUndefined();
    expect(currentAnswer([recordFixture('vmap')], settings)).toBeUndefined();
  });
});
