// pmap with an output that is a number, as one writes it in JAX: each device
// reduces its rows (the fused map-reduce: one partial per device, the grid
// never stored), then lax.pmax / lax.pmin / lax.psum over the device axis
// gives every device the total. Max and min also return each device's own
// extreme and its index, from the same pass, so the host can say where the
// total is (the first device that holds it) and show each device's partial.

import type { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import { lax } from '../ops.js';
import { pmap } from '../transforms/pmap.js';
import { type AnswerMode, packAnswer, reduceOutputs } from './answer.js';

export interface PmapAnswer {
  /** The total every device holds after the collective. */
  value: number;
  /** The flat index into the padded (devices × rows × ny) grid, NaN for sum and mean. */
  index: number;
  /** Each device's own partial (its max, min or sum). */
  partials: number[];
}

/** pmap(rows, y ↦ collective(reduce(f over the rows × y))) over the axis 'devices'. */
export function pmapAnswerFunction(grid: (x: Value, y: Value) => Value, mode: AnswerMode, devices: number) {
  return pmap(
    (rows: Value, y: Value) => {
      const [local, where] = reduceOutputs(grid(rows, y), mode === 'mean' ? 'sum' : mode);
      const total =
        mode === 'max'
          ? lax.pmax(local!, 'devices')
          : mode === 'min'
            ? lax.pmin(local!, 'devices')
            : lax.psum(local!, 'devices');
      return where === undefined ? [total, local!] : [total, local!, where];
    },
    { inAxes: [0, null], devices, axisName: 'devices' },
  );
}

/** The total, where it is and each device's partial, from pmap's outputs (which are disposed). */
export function readPmapAnswer(outputs: NDArray[], rowsPerDevice: number, ny: number): PmapAnswer {
  const [total, local, where] = outputs;
  const partials = Array.from(local!.data);
  const value = total!.data[0]!;
  let index = NaN;
  if (where) {
    const device = partials.findIndex((p) => (value !== value ? p !== p : p === value));
    index = device * rowsPerDevice * ny + where.data[device]!;
  }
  for (const a of outputs) a.dispose();
  return { value, index, partials };
}

/** The answer array ([value, index]) of a pmap answer. */
export function pmapAnswerArray(answer: PmapAnswer): NDArray {
  return packAnswer([answer.value, answer.index]);
}
