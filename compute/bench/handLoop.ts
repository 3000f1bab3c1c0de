// The yardstick the JS backend is held to: the lesson's f written by hand as
// a double loop over a typed array with Math.cos — what a careful JavaScript
// programmer would write without any engine. Timed like the strategies: one
// warm-up, then the median of the repeats into the same output buffer.

import type { DType } from '../core/dtype.js';
import { gridSpecOf } from '../strategies/grid.js';
import type { GridSpec } from '../strategies/types.js';

/** The grid is its side (n × n over [-2, 2]²) or in full: the same x and y the strategies beside it ran on. */
export function handWrittenLoopMs(gridOrN: number | GridSpec, dtype: DType, repeats: number): number {
  const { nx, ny, xRange, yRange } = gridSpecOf(gridOrN);
  const make = (size: number) => (dtype === 'float32' ? new Float32Array(size) : new Float64Array(size));
  const axis = (size: number, [start, stop]: readonly [number, number]) => {
    const values = make(size);
    const step = size > 1 ? (stop - start) / (size - 1) : 0;
    for (let i = 0; i < size; i++) values[i] = start + i * step;
    return values;
  };
  const x = axis(nx, xRange);
  const y = axis(ny, yRange);
  const z = make(nx * ny);
  const pass = () => {
    for (let i = 0; i < nx; i++) {
      const xi = x[i]!;
      for (let j = 0; j < ny; j++) {
        const yj = y[j]!;
        z[i * ny + j] = Math.cos(xi * xi + yj * yj) / (1 + xi * xi + yj * yj);
      }
    }
  };
  pass();
  const times: number[] = [];
  for (let k = 0; k < Math.max(1, repeats); k++) {
    const started = performance.now();
    pass();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}
