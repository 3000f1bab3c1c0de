import { describe, expect, it } from 'vitest';
import { compileFormula } from '../formula/index.js';
import { DEFAULT_FORMULA, type RunRecord } from '../strategies/types.js';
import { fitAmdahl, amdahlSpeedup } from './amdahl.js';
import { meshGraph, planBytes } from './planBytes.js';
import { boundText, computeThreads, levelFor, opsPerPoint, rooflineFields, roofs } from './roofline.js';
import { MACHINE_PROFILE_VERSION, type MachineProfile } from './types.js';

const formula = compileFormula(DEFAULT_FORMULA);

/** A machine with round figures: 100/50/20/10 GB/s read, half that written, 100 Gflop/s, 1 cos per ns per thread. */
function profile(): MachineProfile {
  const level = (bytes: number, read: number) => ({
    bytes,
    readGBps: read,
    writeGBps: read / 2,
    writeKind: 'stores' as const,
  });
  return {
    version: MACHINE_PROFILE_VERSION,
    key: 'test-2t',
    cpuModel: 'test',
    cores: 2,
    measuredAt: '2026-01-01T00:00:00Z',
    measureMs: 1,
    caches: { L1: 48 * 1024, L2: 2 * 1024 ** 2, L3: 300 * 1024 ** 2, source: 'sysfs' },
    bandwidth: {
      L1: level(48 * 1024, 100),
      L2: level(2 * 1024 ** 2, 50),
      L3: level(16 * 1024 ** 2, 20),
      DRAM: { ...level(256 * 1024 ** 2, 10), writeKind: 'streaming' },
    },
    bandwidthCurve: [],
    isas: ['generic', 'avx512'],
    lanes: { generic: { float32: 4, float64: 2 }, avx512: { float32: 16, float64: 8 } },
    peakGflops: {
      generic: { float32: { oneThread: 25, allThreads: 50 }, float64: { oneThread: 12, allThreads: 24 } },
      avx512: { float32: { oneThread: 100, allThreads: 200 }, float64: { oneThread: 50, allThreads: 100 } },
    },
    transcendentalsPerNs: { float32: 1, float64: 0.5 },
  };
}

function record(strategy: RunRecord['strategy'], medianMs: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    strategy,
    nx: 6000,
    ny: 6000,
    xRange: [-2, 2],
    yRange: [-2, 2],
    dtype: 'float32',
    backend: 'native',
    devices: 1,
    shape: [6000, 6000],
    firstMs: medianMs,
    medianMs,
    minMs: medianMs,
    maxMs: medianMs,
    repeats: 1,
    samplesMs: [medianMs],
    iqrMs: 0,
    stddevMs: 0,
    noisy: false,
    predictedBytes: 0,
    maxAbsErr: 0,
    allclose: true,
    nonFinite: { nan: 0, posInf: 0, negInf: 0 },
    nonFiniteMatch: true,
    formula: DEFAULT_FORMULA,
    outputBuffer: 'recycled',
    ...extra,
  };
}

describe('the bytes each plan moves', () => {
  it('counts meshgrid at five grids (two meshes written, both read, z written) and vmap at one: over 3× apart', () => {
    const points = 6000 * 6000 * 4;
    const meshgrid = planBytes('meshgrid', 6000, 6000, 'float32', formula);
    const vmap = planBytes('vmap', 6000, 6000, 'float32', formula);
    expect(meshgrid.plan).toBe(5 * points + 12000 * 4);
    expect(meshgrid.timed).toBe(3 * points);
    expect(vmap.plan).toBe(points + 12000 * 4);
    expect(meshgrid.plan / vmap.plan).toBeGreaterThanOrEqual(3);
  });

  it('to a number, counts no grid for fused plans (loops, vmap, pmap, gpu, JAX) and the grid and its reading for meshgrid', () => {
    const grid = 6000 * 6000 * 4;
    const axes = 12000 * 4;
    for (const strategy of ['loops', 'vmap', 'pmap', 'gpu', 'jax-vmap', 'jax-pmap'] as const) {
      expect(planBytes(strategy, 6000, 6000, 'float32', formula, 'max'), strategy).toEqual({
        plan: axes,
        timed: axes,
        timedWritten: 0,
      });
    }
    // Meshes written and read, z written, then z read once more by the reduction.
    const meshgrid = planBytes('meshgrid', 6000, 6000, 'float32', formula, 'sum');
    expect(meshgrid).toEqual({ plan: 6 * grid + axes, timed: 4 * grid, timedWritten: grid });
    const eager = planBytes('meshgrid-eager', 60, 60, 'float32', formula, 'mean');
    expect(eager.timed).toBe(planBytes('meshgrid-eager', 60, 60, 'float32', formula).timed + 60 * 60 * 4);
    expect(planBytes('naive', 50, 50, 'float32', formula, 'min').timed).toBe(4 * 50 * 4);
    // The record of a fused run to a number is placed with those bytes: nothing written, the axes in cache.
    const fields = rooflineFields(record('vmap', 40, { reduce: 'max', shape: [] }), formula, profile());
    expect(fields.bytesMoved).toBe(axes);
    expect(fields.bound).not.toBe('DRAM');
  });

  it('counts every eager temporary: each op of cos(x²+y²)/(1+x²+y²) reads its operands and writes one grid', () => {
    const grid = 10 * 10 * 8;
    const eager = planBytes('meshgrid-eager', 10, 10, 'float64', formula);
    const { ops, transcendentals } = opsPerPoint(meshGraph(formula, 10, 10, 'float64'));
    // Each equation writes one grid: the eager writes are one per operation.
    expect(eager.timedWritten).toBe((ops + transcendentals) * grid);
    expect(eager.timed).toBeGreaterThan(eager.timedWritten + grid);
    expect(eager.plan).toBe(eager.timed + 2 * grid + 20 * 8);
  });

  it('counts operations from the traced graph, cos apart', () => {
    const { ops, transcendentals } = opsPerPoint(meshGraph(formula, 1, 1, 'float32'));
    expect(transcendentals).toBe(1);
    // x², y², the sum, 1 + …, the quotient: at least five arithmetic operations, however x² is traced.
    expect(ops).toBeGreaterThanOrEqual(5);
    const plain = opsPerPoint(meshGraph(compileFormula('x + y'), 1, 1, 'float32'));
    expect(plain.transcendentals).toBe(0);
  });
});

describe('placing a run on the roofline', () => {
  it('reads the level from the measured plateaus, not the OS sizes: a 144 MB output is DRAM however large L3 claims to be', () => {
    const p = profile();
    expect(levelFor(16 * 1024, p)).toBe('L1');
    expect(levelFor(3 * 1024 ** 2, p)).toBe('L2');
    expect(levelFor(20 * 1024 ** 2, p)).toBe('L3');
    expect(levelFor(144e6, p)).toBe('DRAM');
  });

  it('bounds the floor by DRAM, and reports rates from the timed bytes', () => {
    // 144 MB at the DRAM plateau's 5 GB/s write: 28.8 ms on the roof.
    const fields = rooflineFields(record('limit', 28.8, { devices: 2 }), null, profile());
    expect(fields.bound).toBe('DRAM');
    expect(fields.roofFraction).toBeCloseTo(1, 5);
    expect(fields.achievedGBps).toBeCloseTo(5, 5);
    expect(fields.opsPerPoint).toBe(0);
  });

  it('bounds vmap by cos when cos predicts the longest time, and says overhead when every roof is fifty times faster', () => {
    // 36 M cos at 1 per ns: 36 ms on vmap's one thread, 18 ms on pmap's two; 144 MB written at 5 GB/s: 28.8 ms.
    expect(rooflineFields(record('vmap', 40), formula, profile()).bound).toBe('transcendental');
    expect(rooflineFields(record('pmap', 40, { devices: 2 }), formula, profile()).bound).toBe('DRAM');
    const slowCos = { ...profile(), transcendentalsPerNs: { float32: 0.1, float64: 0.05 } };
    const placed = rooflineFields(record('vmap', 400), formula, slowCos);
    expect(placed.bound).toBe('transcendental');
    expect(placed.roofFraction).toBeCloseTo(360 / 400, 5);
    expect(rooflineFields(record('loops', 100_000), formula, profile()).bound).toBe('overhead');
  });

  it('gives bytes and rates but no bound without a profile, and says so in words', () => {
    const fields = rooflineFields(record('vmap', 50), formula, null);
    expect(fields.bound).toBeUndefined();
    expect(fields.gPointsPerS).toBeCloseTo(36e6 / 0.05 / 1e9, 6);
    expect(boundText(record('vmap', 50))).toMatch(/not placed/);
    expect(rooflineFields(record('gpu', 50, { backend: 'webgpu' }), formula, profile()).bound).toBeUndefined();
    expect(boundText(record('meshgrid', 50, { bound: 'DRAM', roofFraction: 0.78 }))).toBe(
      'meshgrid: memory-bound (DRAM bandwidth), 78% of the roof',
    );
  });

  it('computes on pmap devices, and on one thread for every other strategy (they run on one device)', () => {
    expect(computeThreads({ strategy: 'pmap', devices: 4 })).toBe(4);
    expect(computeThreads({ strategy: 'jax-pmap', devices: 2 })).toBe(2);
    for (const strategy of ['vmap', 'meshgrid', 'meshgrid-eager', 'loops', 'jax-vmap'] as const)
      expect(computeThreads({ strategy, devices: 1 })).toBe(1);
  });

  it("bounds vmap by one thread's FMA roof and pmap on two devices by both threads' roof", () => {
    // 1e7 points of 1e3 ops each: 10 Tflop, no cos; 100 ms is under avx512's 2-thread roof (200 Gflop/s: 50 ms)
    // but above its 1-thread roof (100 Gflop/s: 100 ms), so vmap sits on its roof and pmap at half of its own.
    const heavy = compileFormula(`${Array.from({ length: 500 }, () => 'x*y').join('+')}`);
    const ops = opsPerPoint(meshGraph(heavy, 1, 1, 'float32')).ops;
    const points = 1e7;
    const size = { nx: 1e4, ny: 1e3 };
    const ms = ((ops * points) / 100e9) * 1000;
    const vmap = rooflineFields(record('vmap', ms, size), heavy, profile());
    const pmap = rooflineFields(record('pmap', ms, { ...size, devices: 2 }), heavy, profile());
    expect(vmap.bound).toBe('compute');
    expect(vmap.roofFraction).toBeCloseTo(1, 6);
    expect(pmap.bound).toBe('compute');
    expect(pmap.roofFraction).toBeCloseTo(0.5, 6);
  });

  it('draws L3 and DRAM slopes, a compute roof per ISA copy on all threads, and the widest on one', () => {
    const lines = roofs(profile(), 'float32');
    expect(lines.map((r) => (r.kind === 'memory' ? r.level : `${r.isa} ${r.threads}`))).toEqual([
      'L3',
      'DRAM',
      'generic 2',
      'avx512 2',
      'avx512 1',
    ]);
    expect(lines.filter((r) => r.kind === 'compute').map((r) => r.gflops)).toEqual([50, 200, 100]);
  });
});

describe("Amdahl's law", () => {
  it('recovers the serial fraction of times that follow the law', () => {
    const s = 0.2;
    const points = [1, 2, 4, 8].map((threads) => ({ threads, ms: 100 / amdahlSpeedup(s, threads) }));
    const fit = fitAmdahl(points, 8)!;
    expect(fit.serialFraction).toBeCloseTo(s, 10);
    expect(fit.maxSpeedup).toBeCloseTo(5, 8);
    expect(fit.rmsError).toBeLessThan(1e-9);
  });

  it('leaves points past the core count out of the fit, and needs the 1-thread baseline', () => {
    const points = [
      { threads: 1, ms: 100 },
      { threads: 2, ms: 50 },
      { threads: 4, ms: 55 },
    ];
    expect(fitAmdahl(points, 2)!.serialFraction).toBe(0);
    expect(fitAmdahl(points.slice(1), 2)).toBeNull();
    expect(fitAmdahl([{ threads: 1, ms: 100 }], 2)).toBeNull();
  });
});
