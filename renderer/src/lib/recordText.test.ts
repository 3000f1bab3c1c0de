import { describe, expect, it } from 'vitest';
import { recordFixture } from '../../../test/fixtures';
import { referenceCheck } from './recordText';

describe("a record's check against the reference", () => {
  it('reads a run to a number by its number, not by a grid’s shape', () => {
    const max = recordFixture('vmap', 80, 1, { reduce: 'max', shape: [], value: 1, reference: 1, error: 0 });
    expect(referenceCheck(max)).toMatchObject({ ok: true, short: 'allclose' });
    const naive = { ...max, strategy: 'naive' as const, reduce: 'mean' as const, allclose: false, error: 0.5 };
    expect(referenceCheck(naive)).toMatchObject({ ok: false, short: 'wrong' });
    expect(referenceCheck(naive).text).toMatch(/relative error 5\.0e-1/);
  });

  it('still calls a grid of the wrong shape wrong', () => {
    expect(referenceCheck(recordFixture('naive', 80, 1, { shape: [80] }))).toMatchObject({ ok: false, short: 'shape' });
  });
});
