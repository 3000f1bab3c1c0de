import { describe, expect, it } from 'vitest';
import { allclose, isclose, maxAbsDiff } from './allclose.js';
import { NDArray } from './ndarray.js';

describe('allclose with NumPy semantics', () => {
  it('uses |a - b| <= atol + rtol * |b| (asymmetric in b)', () => {
    expect(isclose(1 + 1e-6, 1)).toBe(true);
    expect(isclose(1 + 1e-4, 1)).toBe(false);
    expect(isclose(0, 1e-9)).toBe(true);
    expect(isclose(0, 1e-7)).toBe(false);
    expect(isclose(10, 11, { rtol: 0.095, atol: 0 })).toBe(true);
    expect(isclose(11, 10, { rtol: 0.095, atol: 0 })).toBe(false);
  });

  it('treats NaN as unequal unless equalNan, and infinities as equal only with the same sign', () => {
    expect(isclose(NaN, NaN)).toBe(false);
    expect(isclose(NaN, NaN, { equalNan: true })).toBe(true);
    expect(isclose(Infinity, Infinity)).toBe(true);
    expect(isclose(Infinity, -Infinity)).toBe(false);
    expect(isclose(Infinity, 1e308)).toBe(false);
  });

  it('broadcasts its operands and rejects incompatible shapes', () => {
    const a = NDArray.from(
      [
        [1, 2],
        [1, 2],
      ],
      'float64',
    );
    const b = NDArray.from([1, 2], 'float64');
    expect(allclose(a, b)).toBe(true);
    expect(allclose(a, NDArray.from([1, 2.1], 'float64'))).toBe(false);
    expect(() => allclose(a, NDArray.from([1, 2, 3], 'float64'))).toThrow(/broadcast/);
  });

  it('maxAbsDiff never hides a misplaced NaN', () => {
    const a = NDArray.from([1, NaN, Infinity], 'float64');
    expect(maxAbsDiff(a, NDArray.from([1.5, NaN, Infinity], 'float64'))).toBe(0.5);
    expect(maxAbsDiff(a, NDArray.from([1, 0, Infinity], 'float64'))).toBe(Infinity);
  });
});
