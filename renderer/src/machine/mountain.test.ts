import { describe, expect, it } from 'vitest';
import { recordFixture } from '../../../test/fixtures';
import type { SweepEntry } from '../../../main/contract';
import { layoutMountain, mountainPoint } from './mountain';

const entry = (strategy: 'vmap' | 'meshgrid', n: number, medianMs: number): SweepEntry =>
  ({ kind: 'record', record: recordFixture(strategy, n, medianMs) }) as SweepEntry;

describe('the memory mountain', () => {
  it('places a run at its output’s bytes and its time per point', () => {
    // 1000 × 1000 float32 is 4 MB of output; 2 ms over a million points is 2 ns a point.
    expect(mountainPoint(recordFixture('vmap', 1000, 2))).toEqual({ bytes: 4e6, nsPerPoint: 2, n: 1000 });
    expect(mountainPoint(recordFixture('vmap', 1000, 2, { dtype: 'float64' })).bytes).toBe(8e6);
    // naive computes f on the flat vectors: n outputs, not n².
    expect(mountainPoint(recordFixture('naive', 1000, 0.002, { shape: [1000] }))).toEqual({
      bytes: 4000,
      nsPerPoint: 2,
      n: 1000,
    });
  });

  it('draws a line per strategy, smallest working set first, and marks the caches the OS reported', () => {
    const layout = layoutMountain([entry('vmap', 2000, 8), entry('vmap', 100, 0.01), entry('meshgrid', 100, 0.02)], {
      L1: 48 * 1024,
      L2: 2 << 20,
      source: 'sysfs',
    });
    expect(layout.lines.map((l) => [l.strategy, l.points.map((p) => p.n)])).toEqual([
      ['vmap', [100, 2000]],
      ['meshgrid', [100]],
    ]);
    expect(layout.caches.map((c) => c.level)).toEqual(['L1', 'L2']);
    // The axis spans the caches as well as the runs: L1's 48 KiB lies left of the smallest output (40 kB).
    expect(layout.xAxis.min).toBeLessThanOrEqual(40_000);
    expect(layout.xAxis.max).toBeGreaterThanOrEqual(16e6);
    expect(layoutMountain([entry('vmap', 100, 0.01)], null).caches).toEqual([]);
  });
});
