// Contour lines of f over the drawn grid by marching squares: for each level
// and each grid cell, the edges where f crosses the level are found by linear
// interpolation along the edge and joined by a segment. Saddle cells (two
// opposite corners above the level, two below) are decided by the cell's
// mean, so lines never cross. Cells with a NaN or infinite corner are
// skipped: the lines break where the surface has holes. Pure functions over
// plain arrays; the output grows by doubling, never per segment.

/** `count` levels evenly spaced strictly inside [min, max] (as Plotly's ncontours): none on a flat surface. */
export function contourLevels(min: number, max: number, count: number): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max) || count < 1) return [];
  const step = (max - min) / (count + 1);
  return Array.from({ length: Math.floor(count) }, (_, k) => min + (k + 1) * step);
}

export interface ContourSegments {
  /** x0, y0, x1, y1 per segment, in the grid's x and y. */
  points: Float32Array;
  /** The index in `levels` of each segment's level. */
  level: Uint16Array;
  /** Segments written (the arrays may be longer). */
  count: number;
}

/**
 * The segments where f crosses each level. `values[i * ys.length + j]` is f(xs[i], ys[j]),
 * the layout of the engine's grid and of its decimated view.
 */
export function marchingSquares(
  values: ArrayLike<number>,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  levels: readonly number[],
): ContourSegments {
  const mx = xs.length;
  const my = ys.length;
  if (values.length < mx * my)
    throw new Error(`the grid has ${values.length} values but ${mx} × ${my} = ${mx * my} points were named`);
  let points = new Float32Array(1024);
  let level = new Uint16Array(256);
  let count = 0;
  const push = (x0: number, y0: number, x1: number, y1: number, l: number) => {
    if (count === level.length) {
      const grownPoints = new Float32Array(points.length * 2);
      grownPoints.set(points);
      points = grownPoints;
      const grownLevel = new Uint16Array(level.length * 2);
      grownLevel.set(level);
      level = grownLevel;
    }
    const w = count * 4;
    points[w] = x0;
    points[w + 1] = y0;
    points[w + 2] = x1;
    points[w + 3] = y1;
    level[count++] = l;
  };
  // The four corners counter-clockwise from (i, j); edge e joins corner e and corner e + 1.
  const cx = [0, 0, 0, 0];
  const cy = [0, 0, 0, 0];
  const cv = [0, 0, 0, 0];
  const ex = [0, 0, 0, 0];
  const ey = [0, 0, 0, 0];
  const edges = [0, 0, 0, 0];
  const join = (p: number, q: number, l: number) => push(ex[p]!, ey[p]!, ex[q]!, ey[q]!, l);
  for (let i = 0; i < mx - 1; i++) {
    for (let j = 0; j < my - 1; j++) {
      cv[0] = values[i * my + j]!;
      cv[1] = values[(i + 1) * my + j]!;
      cv[2] = values[(i + 1) * my + j + 1]!;
      cv[3] = values[i * my + j + 1]!;
      if (!(Number.isFinite(cv[0]) && Number.isFinite(cv[1]) && Number.isFinite(cv[2]) && Number.isFinite(cv[3])))
        continue;
      cx[0] = cx[3] = xs[i]!;
      cx[1] = cx[2] = xs[i + 1]!;
      cy[0] = cy[1] = ys[j]!;
      cy[2] = cy[3] = ys[j + 1]!;
      const low = Math.min(cv[0], cv[1], cv[2], cv[3]);
      const high = Math.max(cv[0], cv[1], cv[2], cv[3]);
      for (let l = 0; l < levels.length; l++) {
        const value = levels[l]!;
        if (value < low || value >= high) continue;
        // Which edges the level crosses, and where (an edge is crossed when one end is above and the other is not).
        let crossed = 0;
        for (let e = 0; e < 4; e++) {
          const a = cv[e]!;
          const b = cv[(e + 1) % 4]!;
          if (a > value === b > value) continue;
          const t = (value - a) / (b - a);
          ex[e] = cx[e]! + t * (cx[(e + 1) % 4]! - cx[e]!);
          ey[e] = cy[e]! + t * (cy[(e + 1) % 4]! - cy[e]!);
          edges[crossed++] = e;
        }
        if (crossed === 2) {
          join(edges[0]!, edges[1]!, l);
        } else if (crossed === 4) {
          // A saddle: corner 0 and corner 2 are on one side, 1 and 3 on the other. The mean says which pair is joined
          // through
          // the middle; the lines then cut off the other pair's corners (corner k sits between edges k - 1 and k).
          const middleAbove = (cv[0] + cv[1] + cv[2] + cv[3]) / 4 > value;
          const evenAbove = cv[0] > value;
          if (middleAbove === evenAbove) {
            join(0, 1, l);
            join(2, 3, l);
          } else {
            join(3, 0, l);
            join(1, 2, l);
          }
        }
      }
    }
  }
  return { points, level, count };
}
