import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contourLevels, marchingSquares } from './contours';

const linspace = (a: number, b: number, n: number) =>
  Float64Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));

function grid(xs: Float64Array, ys: Float64Array, f: (x: number, y: number) => number): Float32Array {
  const values = new Float32Array(xs.length * ys.length);
  for (let i = 0; i < xs.length; i++) for (let j = 0; j < ys.length; j++) values[i * ys.length + j] = f(xs[i]!, ys[j]!);
  return values;
}

function segmentsOf(
  result: ReturnType<typeof marchingSquares>,
): { x0: number; y0: number; x1: number; y1: number; level: number }[] {
  return Array.from({ length: result.count }, (_, s) => ({
    x0: result.points[s * 4]!,
    y0: result.points[s * 4 + 1]!,
    x1: result.points[s * 4 + 2]!,
    y1: result.points[s * 4 + 3]!,
    level: result.level[s]!,
  }));
}

describe('contour levels', () => {
  it('are evenly spaced strictly inside the range, as many as asked', () => {
    expect(contourLevels(0, 1, 4)).toEqual([0.2, 0.4, 0.6000000000000001, 0.8]);
    expect(contourLevels(-1, 1, 1)).toEqual([0]);
  });

  it('are none on a flat or non-finite range', () => {
    expect(contourLevels(2, 2, 5)).toEqual([]);
    expect(contourLevels(NaN, 1, 5)).toEqual([]);
    expect(contourLevels(0, 1, 0)).toEqual([]);
  });
});

describe('marching squares', () => {
  it('draws f = x at level 0.5 as the straight line x = 0.5 through every row of cells', () => {
    const xs = linspace(0, 1, 5);
    const ys = linspace(-1, 1, 7);
    const result = marchingSquares(
      grid(xs, ys, (x) => x),
      xs,
      ys,
      [0.5],
    );
    const segments = segmentsOf(result);
    expect(segments).toHaveLength(ys.length - 1);
    for (const s of segments) {
      expect(s.x0).toBeCloseTo(0.5, 6);
      expect(s.x1).toBeCloseTo(0.5, 6);
      expect(Math.abs(s.y1 - s.y0)).toBeCloseTo(2 / 6, 6);
    }
  });

  it('draws a circle of f = x² + y² as a closed loop whose points lie near the radius', () => {
    const xs = linspace(-2, 2, 41);
    const ys = linspace(-2, 2, 41);
    // r² = 1.1 passes through no grid point, where a loop would touch itself.
    const result = marchingSquares(
      grid(xs, ys, (x, y) => x * x + y * y),
      xs,
      ys,
      [1.1],
    );
    const segments = segmentsOf(result);
    expect(segments.length).toBeGreaterThan(20);
    // Closed: every endpoint is shared by exactly two segments.
    const uses = new Map<string, number>();
    for (const s of segments) {
      for (const [x, y] of [
        [s.x0, s.y0],
        [s.x1, s.y1],
      ] as const) {
        expect(Math.hypot(x, y)).toBeCloseTo(Math.sqrt(1.1), 1);
        const key = `${x.toFixed(5)},${y.toFixed(5)}`;
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    for (const count of uses.values()) expect(count).toBe(2);
  });

  it('tags each segment with its level and finds nothing outside the range', () => {
    const xs = linspace(0, 1, 4);
    const ys = linspace(0, 1, 4);
    const result = marchingSquares(
      grid(xs, ys, (x, y) => x + y),
      xs,
      ys,
      [-1, 0.5, 1.5, 3],
    );
    const levels = new Set(segmentsOf(result).map((s) => s.level));
    expect([...levels].sort()).toEqual([1, 2]);
  });

  it('splits a saddle cell by its mean, so the two lines never cross', () => {
    const xs = linspace(0, 1, 2);
    const ys = linspace(0, 1, 2);
    // values[i * 2 + j]: corners (0,0) = 1 and (1,1) = 1 are high, (1,0) and (0,1) low.
    const highMiddle = segmentsOf(marchingSquares(Float32Array.from([1, 0, 0, 1]), xs, ys, [0.4]));
    expect(highMiddle).toHaveLength(2);
    const nearest = (s: (typeof highMiddle)[number], corners: [number, number][]) =>
      Math.min(...corners.map(([x, y]) => Math.hypot((s.x0 + s.x1) / 2 - x, (s.y0 + s.y1) / 2 - y)));
    // The mean 0.5 is above 0.4: the high corners join through the middle and each low corner is cut off on its own.
    for (const s of highMiddle)
      expect(
        nearest(s, [
          [1, 0],
          [0, 1],
        ]),
      ).toBeLessThan(0.5);
    const lowMiddle = segmentsOf(marchingSquares(Float32Array.from([1, 0, 0, 1]), xs, ys, [0.6]));
    expect(lowMiddle).toHaveLength(2);
    // The mean 0.5 is below 0.6: now the high corners are the ones cut off, each line near (0,0) or (1,1).
    for (const s of lowMiddle)
      expect(
        nearest(s, [
          [0, 0],
          [1, 1],
        ]),
      ).toBeLessThan(0.5);
  });

  it('breaks the lines at holes: no segment in a cell with a NaN or infinite corner', () => {
    const xs = linspace(0, 2, 3);
    const ys = linspace(0, 2, 3);
    const values = grid(xs, ys, (x) => x);
    values[0] = NaN; // corner (0, 0): only the cell at i = 0, j = 0 goes
    const segments = segmentsOf(marchingSquares(values, xs, ys, [0.5, 1.5]));
    expect(segments).toHaveLength(3);
    expect(segments.every((s) => !(s.x0 < 1 && s.y0 < 1 && s.y1 < 1))).toBe(true);
  });

  it('says how many values a grid of the named size needs', () => {
    expect(() => marchingSquares(new Float32Array(5), linspace(0, 1, 3), linspace(0, 1, 2), [0])).toThrow(
      'the grid has 5 values but 3 × 2 = 6 points were named',
    );
  });

  it('puts every endpoint on a cell edge where the edge’s linear interpolation equals the level (random grids)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 2, max: 7 }),
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 49, maxLength: 49 }),
        fc.float({ min: -9, max: 9, noNaN: true }),
        (mx, my, raw, value) => {
          const xs = linspace(0, mx - 1, mx);
          const ys = linspace(0, my - 1, my);
          const values = Float32Array.from(raw.slice(0, mx * my));
          const at = (i: number, j: number) => values[i * my + j]!;
          for (const s of segmentsOf(marchingSquares(values, xs, ys, [value]))) {
            for (const [x, y] of [
              [s.x0, s.y0],
              [s.x1, s.y1],
            ] as const) {
              // With xs and ys the integers, an endpoint on a vertical edge has an integer x, on a horizontal edge an integer y.
              const onVertical = Math.abs(x - Math.round(x)) < 1e-4;
              const interpolated = onVertical
                ? at(Math.round(x), Math.floor(y)) +
                  (y - Math.floor(y)) *
                    (at(Math.round(x), Math.min(my - 1, Math.floor(y) + 1)) - at(Math.round(x), Math.floor(y)))
                : at(Math.floor(x), Math.round(y)) +
                  (x - Math.floor(x)) *
                    (at(Math.min(mx - 1, Math.floor(x) + 1), Math.round(y)) - at(Math.floor(x), Math.round(y)));
              expect(interpolated).toBeCloseTo(value, 2);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
