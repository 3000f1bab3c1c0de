import { describe, expect, it } from 'vitest';
import { layoutSweep, LABEL_GAP } from './chart';
import type { RunRecord, SweepEntry } from '../../../main/contract';

const record = (strategy: RunRecord['strategy'], n: number, medianMs: number, peakBytes: number) =>
  ({ strategy, nx: n, ny: n, medianMs, peakBytes }) as RunRecord;
const frame = { width: 500, height: 300, left: 50, right: 10, top: 10, bottom: 40 };

describe('the sweep chart layout', () => {
  const entries: SweepEntry[] = [
    { kind: 'record', strategy: 'vmap', nx: 10, ny: 10, record: record('vmap', 10, 0.01, 480) },
    { kind: 'record', strategy: 'vmap', nx: 1000, ny: 1000, record: record('vmap', 1000, 1, 4_008_000) },
    { kind: 'record', strategy: 'meshgrid', nx: 10, ny: 10, record: record('meshgrid', 10, 0.02, 1280) },
    { kind: 'record', strategy: 'limit', nx: 10, ny: 10, record: record('limit', 10, 0.001, 400) },
    {
      kind: 'refused',
      strategy: 'meshgrid',
      nx: 1000,
      ny: 1000,
      neededBytes: 12_008_000,
      availableBytes: 10_000_000,
      message: 'no',
    },
  ];

  it('draws one line per strategy, the floor apart, on log axes spanning whole decades', () => {
    const layout = layoutSweep(entries, [10, 100, 1000], 'time', frame);
    expect(layout.lines.map((l) => l.strategy)).toEqual(['vmap', 'meshgrid']);
    expect(layout.floor?.points).toHaveLength(1);
    expect(layout.xAxis.ticks).toEqual([10, 100, 1000]);
    expect(layoutSweep(entries, [10, 2000], 'time', frame).xAxis.ticks).toEqual([10, 100, 1000, 2000]);
    expect(layoutSweep(entries, [6000, 8000], 'time', frame).xAxis.ticks).toEqual([6000, 8000]);
    expect(layout.yAxis.min).toBe(0.001);
    const vmap = layout.lines[0]!;
    expect(vmap.points[0]!.x).toBe(50);
    expect(vmap.points[1]!.x).toBe(490);
    // 100× the time over two of three decades: the second point is two thirds of the way up.
    expect(vmap.points[0]!.y - vmap.points[1]!.y).toBeCloseTo((250 * 2) / 3, 6);
    expect(vmap.path.startsWith('M50.0,')).toBe(true);
  });

  it('marks where a strategy stopped fitting, and counts its bytes on the memory chart', () => {
    const layout = layoutSweep(entries, [10, 100, 1000], 'memory', frame);
    expect(layout.refused).toMatchObject([{ strategy: 'meshgrid', n: 1000, neededBytes: 12_008_000, x: 490 }]);
    expect(layout.yAxis.max).toBeGreaterThanOrEqual(12_008_000);
  });
});

describe('refused marks', () => {
  it('stack their labels when two sit at nearly the same height', () => {
    const refusal = (strategy: 'meshgrid' | 'meshgrid-eager', n: number, neededBytes: number): SweepEntry => ({
      kind: 'refused',
      strategy,
      nx: n,
      ny: n,
      neededBytes,
      availableBytes: 1,
      message: '',
    });
    const layout = layoutSweep(
      [refusal('meshgrid', 8000, 768e6), refusal('meshgrid-eager', 6000, 800e6)],
      [6000, 8000],
      'memory',
      frame,
    );
    const [a, b] = [...layout.refused].sort((m, k) => m.labelY - k.labelY);
    expect(b!.labelY - a!.labelY).toBeGreaterThanOrEqual(LABEL_GAP);
  });
});
