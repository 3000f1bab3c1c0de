// The yardstick the JS backend is held to: the lesson's f written by hand as
// a double loop over a typed array with Math.cos — what a careful JavaScript
// programmer would write without any engine. Timed like the strategies: one
// warm-up, then the median of the repeats into the same output buffer.

import type { DType } from '../core/dtype.js';

export function handWrittenLoopMs(n: number, dtype: DType, repeats: number): number {
  const make = (size: number) => (dtype === 'float32' ? new Float32Array(size) : new Float64Array(size));
  const x = make(n);
  const step = n > 1 ? 4 / (n - 1) : 0;
  for (let i = 0; i < n; i++) x[i] = -2 + i * step;
  const y = x;
  const z = make(n * n);
  const pass = () => {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      for (let j = 0; j < n; j++) {
        const yj = y[j]!;
        z[i * n + j] = Math.cos(xi * xi + yj * yj) / (1 + xi * xi + yj * yj);
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
