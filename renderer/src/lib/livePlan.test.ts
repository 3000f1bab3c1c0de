import { describe, expect, it } from 'vitest';
import {
  formatWait,
  nearestMeasurement,
  planLiveRun,
  pointsOf,
  predictRunMs,
  scaleByPoints,
  type Measurement,
} from './livePlan';

describe('the prediction of a strategy’s time at a new grid', () => {
  it('scales with the number of points: n² for a square grid', () => {
    const square = (n: number) => pointsOf({ nx: n, ny: n });
    expect(scaleByPoints(10, square(1000), square(2000))).toBeCloseTo(40);
    expect(scaleByPoints(10, square(1000), square(500))).toBeCloseTo(2.5);
  });

  it('counts a rectangular grid’s points as nx · ny', () => {
    expect(pointsOf({ nx: 300, ny: 200 })).toBe(60_000);
    // From 300 × 200 to 300 × 300: 1.5× the points.
    expect(scaleByPoints(6, pointsOf({ nx: 300, ny: 200 }), pointsOf({ nx: 300, ny: 300 }))).toBeCloseTo(9);
  });

  it('is not a number without a measurement to scale', () => {
    expect(scaleByPoints(10, 0, 100)).toBeNaN();
    expect(scaleByPoints(Number.NaN, 100, 100)).toBeNaN();
  });

  it('predicts a run as its compile, first call, timed repeats and overhead, the calls and the overhead scaled', () => {
    const loops: Measurement = { points: 250_000, callMs: 200, firstMs: 260, overheadNsPerPoint: 80 };
    // At 4× the points: compile 60 kept, each call 800, 3 repeats, the check 80 ns × 1e6.
    expect(predictRunMs(loops, 1_000_000, 3)).toBeCloseTo(60 + 800 + 3 * 800 + 80);
    // Quick calls are timed until 25 ms is timed, as the engine does: never less than that.
    const vmap: Measurement = { points: 250_000, callMs: 0.2, firstMs: 5, overheadNsPerPoint: 16 };
    expect(predictRunMs(vmap, 250_000, 3)).toBeCloseTo(4.8 + 0.2 + 25 + 4);
    // No repeats: the first call alone.
    expect(predictRunMs(vmap, 250_000, 0)).toBeCloseTo(4.8 + 0.2 + 4);
  });

  it('starts from the measurement nearest the new grid, the latest of equals', () => {
    const at = (n: number, callMs: number): Measurement => ({
      points: n * n,
      callMs,
      firstMs: callMs,
      overheadNsPerPoint: 0,
    });
    const measured = [at(40, 6), at(700, 440), at(100, 40), at(700, 430)];
    expect(nearestMeasurement(measured, 800 * 800)?.callMs).toBe(430);
    expect(nearestMeasurement(measured, 50 * 50)?.callMs).toBe(6);
    expect(nearestMeasurement(measured, 120 * 120)?.callMs).toBe(40);
    expect(nearestMeasurement([], 100)).toBeUndefined();
  });

  it('grows as the grid grows, whatever was measured', () => {
    const m: Measurement = { points: 10_000, callMs: 1.5, firstMs: 9, overheadNsPerPoint: 20 };
    let previous = 0;
    for (const n of [10, 100, 300, 1000, 3000, 10000]) {
      const ms = predictRunMs(m, n * n, 3);
      expect(ms).toBeGreaterThan(previous);
      previous = ms;
    }
  });
});

describe('the live plan', () => {
  it('fills the budget cheapest first and keeps the given order', () => {
    const plan = planLiveRun(
      [
        { key: 'loops', predictedMs: 40_000 },
        { key: 'naive', predictedMs: 30 },
        { key: 'meshgrid', predictedMs: 200 },
        { key: 'meshgrid-eager', predictedMs: 300 },
        { key: 'vmap', predictedMs: 150 },
      ],
      500,
    );
    expect(plan.run).toEqual(['naive', 'meshgrid', 'vmap']);
    expect(plan.over).toEqual([
      { key: 'loops', predictedMs: 40_000 },
      { key: 'meshgrid-eager', predictedMs: 300 },
    ]);
  });

  it('never spends more than the budget, and never runs an unknown prediction', () => {
    const candidates = [
      { key: 'a', predictedMs: 499 },
      { key: 'b', predictedMs: 2 },
      { key: 'c', predictedMs: Number.NaN },
    ];
    const plan = planLiveRun(candidates, 500);
    expect(plan.run).toEqual(['b']);
    expect(plan.over.map((c) => c.key)).toEqual(['a', 'c']);
    expect(planLiveRun(candidates, 501).run).toEqual(['a', 'b']);
  });

  it('runs nothing when even the cheapest is over the budget', () => {
    expect(planLiveRun([{ key: 'loops', predictedMs: 900 }], 500).run).toEqual([]);
  });
});

describe('how long pressing Run would take, in words', () => {
  it('rounds to what a reader needs', () => {
    expect(formatWait(400)).toBe('under a second');
    expect(formatWait(3_400)).toBe('about 3 s');
    expect(formatWait(41_000)).toBe('about 40 s');
    expect(formatWait(200_000)).toBe('about 3 min');
    expect(formatWait(4 * 3_600_000)).toBe('about 4 h');
    expect(formatWait(Number.NaN)).toBe('not measured yet');
  });
});

describe('a call predicted from a fixed cost and a cost per point', () => {
  it('keeps the fixed cost and scales the rest, never below the roofline’s cost per point', async () => {
    const { predictCallMs } = await import('./livePlan');
    const calibrated: Measurement = {
      points: 16384,
      callMs: 0.05 + 16384 * 2e-6,
      firstMs: 1,
      overheadNsPerPoint: 20,
      fixedMs: 0.05,
    };
    expect(predictCallMs(calibrated, 1_000_000)).toBeCloseTo(0.05 + 2, 9);
    // Without the fixed cost all of it would scale: 60× too much at a million points.
    expect(predictCallMs({ ...calibrated, fixedMs: undefined }, 1_000_000)).toBeGreaterThan(3);
    // Out of cache, the roofline says a point costs at least 4 ns (its bytes over DRAM's bandwidth).
    expect(predictCallMs(calibrated, 1_000_000, 4)).toBeCloseTo(0.05 + 4, 9);
    // A fixed cost above the call itself is held to the call.
    expect(
      predictCallMs({ points: 100, callMs: 0.01, firstMs: 0.01, overheadNsPerPoint: 0, fixedMs: 1 }, 100),
    ).toBeCloseTo(0.01, 9);
  });
});
