import { describe, expect, it } from 'vitest';
import { recordFixture } from '../../../test/fixtures';
import { machineFixture } from '../../../test/machineFixture';
import type { Roof } from '../../../compute/machine/types';
import {
  cosPerFlopOf,
  describeRun,
  dotsOf,
  layoutRoofline,
  placeOf,
  roofAt,
  roofLines,
  roofSegment,
  writeNsPerPoint,
  type PlacedRecord,
} from './roofline';

const profile = machineFixture();
/** As compute/machine's roofs() gives them: L3 and DRAM write bandwidth, FMA per ISA on all threads, the widest on one. */
const engineRoofs: Roof[] = [
  { kind: 'memory', level: 'L3', gbps: 40, label: 'L3 write 40.0 GB/s' },
  { kind: 'memory', level: 'DRAM', gbps: 30, label: 'DRAM write 30.0 GB/s' },
  { kind: 'compute', isa: 'avx2', threads: 2, gflops: 128, label: 'avx2 FMA 128 Gflop/s' },
  { kind: 'compute', isa: 'avx512', threads: 2, gflops: 256, label: 'avx512 FMA 256 Gflop/s' },
  { kind: 'compute', isa: 'avx512', threads: 1, gflops: 128, label: 'avx512 FMA 128 Gflop/s, 1 thread' },
];

/** A record at n = 1000 placed by the model: `bytesPerPoint` moved and 10 flops per point. */
function placed(
  strategy: PlacedRecord['strategy'],
  medianMs: number,
  bytesPerPoint: number,
  extra: Partial<PlacedRecord> = {},
): PlacedRecord {
  return {
    ...recordFixture(strategy, 1000, medianMs),
    bytesMoved: bytesPerPoint * 1e6,
    opsPerPoint: 10,
    transcendentalsPerPoint: 1,
    ...extra,
  };
}

describe('the roofline', () => {
  it('draws the engine’s roofs, and the formula’s cos roof on one thread and on all', () => {
    const lines = roofLines(engineRoofs, profile, 'float32', 0.1);
    expect(lines.filter((r) => r.kind === 'memory').map((r) => [r.key, r.gbps])).toEqual([
      ['L3', 40],
      ['DRAM', 30],
    ]);
    const compute = lines.filter((r) => r.kind === 'compute');
    expect(compute.map((r) => [r.key, r.gflops])).toEqual([
      ['avx2-2', 128],
      ['avx512-2', 256],
      ['avx512-1', 128],
    ]);
    // 2 cos per ns per thread, one cos per 10 flops: 20 Gflop/s of this formula on one thread, 40 on two.
    expect(lines.filter((r) => r.kind === 'transcendental').map((r) => r.gflops)).toEqual([20, 40]);
    expect(roofAt(lines[1]!, 0.5)).toBe(15);
    expect(roofLines(engineRoofs, profile, 'float32').some((r) => r.kind === 'transcendental')).toBe(false);
    expect(cosPerFlopOf([placed('vmap', 1, 4)])).toBeCloseTo(0.1, 9);
  });

  it('floors a point’s cost at writing its output at the bandwidth of the level the output fits in', () => {
    // 1000 float32 outputs (4 kB) sit in L1 (200 GB/s writes): 0.02 ns a point; 1e8 of them (400 MB) go to DRAM (30 GB/s).
    expect(writeNsPerPoint(profile, 1000, 'float32')).toBeCloseTo(4 / 200, 9);
    expect(writeNsPerPoint(profile, 1e8, 'float32')).toBeCloseTo(4 / 30, 9);
    expect(writeNsPerPoint(profile, 1e8, 'float64')).toBeCloseTo(8 / 30, 9);
  });

  it('places a run at its flops per byte and its achieved Gflop/s', () => {
    // 10 flops per point over 12 bytes per point; 1e7 flops in 2 ms is 5 Gflop/s.
    const place = placeOf(placed('meshgrid', 2, 12));
    expect(place.intensity).toBeCloseTo(10 / 12, 9);
    expect(place.gflops).toBeCloseTo(5, 9);
  });

  it('says in words what bounds each run, with the share of the roof', () => {
    const meshgrid = describeRun(placed('meshgrid', 0.5, 12, { bound: 'DRAM' }), profile);
    // 12 MB in 0.5 ms is 24 GB/s: 80% of DRAM's 30 GB/s.
    expect(meshgrid).toMatch(/^meshgrid: memory-bound, 80% of DRAM bandwidth \(24 of 30 GB\/s\)/);
    expect(describeRun(placed('vmap', 2, 4, { bound: 'transcendental', roofFraction: 0.62 }), profile)).toMatch(
      /^vmap: bound by the evaluator's cos throughput, at 62% of that roof; 2\.5 flop\/byte/,
    );
    expect(describeRun(placed('pmap', 1, 4, { bound: 'compute', isa: 'avx512', lanes: 16 }), profile)).toMatch(
      /compute-bound by the arithmetic \(avx512, 16 lanes\)/,
    );
    expect(describeRun(placed('vmap', 2, 4), null)).toMatch(/no machine profile/);
  });

  it('draws one dot per strategy, its latest run, and leaves out runs the model has not placed', () => {
    const records = [
      placed('vmap', 4, 4),
      placed('meshgrid', 3, 12),
      placed('vmap', 2, 4),
      recordFixture('loops', 100, 50),
    ];
    const dots = dotsOf(records, profile);
    expect(dots.map((d) => d.strategy)).toEqual(['vmap', 'meshgrid']);
    expect(dots[0]!.gflops).toBeCloseTo(5, 9);
  });

  it("places a lesson step's own runs, given after Live's, over Live's dot for the same strategy", () => {
    const live = [placed('vmap', 4, 4), placed('pmap', 2, 4)];
    const step = [placed('vmap', 8, 4, { nx: 2000, ny: 2000 }), placed('meshgrid', 30, 12, { nx: 2000, ny: 2000 })];
    const dots = dotsOf([...live, ...step], profile);
    expect(dots.map((d) => `${d.strategy} ${d.grid}`)).toEqual([
      'vmap 2000×2000',
      'pmap 1000×1000',
      'meshgrid 2000×2000',
    ]);
  });

  it('spans every dot and every roof’s bend on its axes, and caps each slope at the highest compute roof', () => {
    const roofs = roofLines(engineRoofs, profile, 'float32', 0.1);
    const layout = layoutRoofline(roofs, dotsOf([placed('meshgrid', 2, 12), placed('vmap', 0.2, 4)], profile));
    for (const dot of layout.dots) {
      expect(dot.intensity).toBeGreaterThan(layout.xAxis.min);
      expect(dot.intensity).toBeLessThan(layout.xAxis.max);
      expect(dot.gflops).toBeGreaterThan(layout.yAxis.min);
      expect(dot.gflops).toBeLessThan(layout.yAxis.max);
    }
    const dram = roofSegment(roofs[1]!, layout);
    expect(dram[1][1]).toBeCloseTo(256, 6);
    expect(dram[1][0]).toBeCloseTo(256 / 30, 6);
    expect(roofSegment(roofs[2]!, layout)).toEqual([
      [layout.xAxis.min, 128],
      [layout.xAxis.max, 128],
    ]);
  });
});
