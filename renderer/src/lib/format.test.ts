import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatMs,
  formatPeak,
  formatRatio,
  formatTickBytes,
  formatTickMs,
  formatTickValue,
  formatValue,
  strategyLabel,
} from './format';

describe('numbers as the lab prints them', () => {
  it('writes bytes in binary units with three figures, as the memory guard and `vlab run` do', () => {
    expect([0, 1, 999, 1024, 25_600, 1_500_000, 3_200_320_000, 2 ** 50, 2 ** 62].map(formatBytes)).toEqual([
      '0 B',
      '1 B',
      '999 B',
      '1.00 KiB',
      '25.0 KiB',
      '1.43 MiB',
      '2.98 GiB',
      '1.00 PiB',
      '4096 PiB',
    ]);
  });

  it('marks a Python peer as run by NumPy or JAX, and an unmeasured peak as such', () => {
    expect(strategyLabel({ strategy: 'numpy', backend: 'python' })).toBe('numpy (run by NumPy)');
    expect(strategyLabel({ strategy: 'jax-pmap', backend: 'python' })).toBe('jax-pmap (run by JAX)');
    expect(strategyLabel({ strategy: 'vmap', backend: 'native' })).toBe('vmap');
    expect(formatPeak(undefined)).toBe('not measured');
    expect(formatPeak(1024)).toBe('1.00 KiB');
  });

  it('writes times, ratios and values readably', () => {
    expect(formatMs(0.1234)).toBe('0.123 ms');
    expect(formatMs(53.21)).toBe('53.2 ms');
    expect(formatMs(2500)).toBe('2.50 s');
    expect(formatRatio(412.4)).toBe('412×');
    expect(formatRatio(3.14)).toBe('3.1×');
    expect(formatRatio(NaN)).toBe('—');
    expect(formatValue(0.998719)).toBe('0.998719');
    expect(formatValue(NaN)).toBe('NaN');
    // Ticks are read at a glance: three digits, and a rounding error at zero is zero.
    expect(formatTickValue(0.999911)).toBe('1');
    expect(formatTickValue(0.375467)).toBe('0.375');
    expect(formatTickValue(-0.248976)).toBe('-0.249');
    expect(formatTickValue(5.551115123125783e-17)).toBe('0');
    expect(formatTickValue(123456)).toBe('1.23e+5');
  });

  it('labels decade ticks shortly', () => {
    expect([1e-2, 1e-1, 1, 10, 1000, 1e5].map(formatTickMs)).toEqual([
      '10 µs',
      '100 µs',
      '1 ms',
      '10 ms',
      '1 s',
      '100 s',
    ]);
    expect([100, 1000, 1e6, 1e10].map(formatTickBytes)).toEqual(['100 B', '1 kB', '1 MB', '10 GB']);
  });
});
