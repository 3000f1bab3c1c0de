// The lesson's pmap step, written as one would in JAX: the nx rows of the
// grid are split over the devices by reshaping x to (devices, nx / devices)
// and calling pmap(vmap(vmap(f))). When nx is not a multiple of the device
// count, x is padded with its last value to (devices, ceil(nx / devices)) — as
// jnp.pad(x, (0, pad), mode='edge') — and the padded rows are sliced off the
// result (a view, no copy). The devices are the native pool's threads.

import { itemSize } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { backendStatus } from '../backends/registry.js';
import { pmap, cpuDevices } from '../transforms/pmap.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import { RunRequestError, type Strategy } from './strategy.js';
import { timeCalls } from './timing.js';
import { ANSWER_BYTES, isAnswer } from './answer.js';
import { pmapAnswerArray, pmapAnswerFunction, readPmapAnswer } from './pmapAnswer.js';
import { jit } from '../transforms/jit.js';
import { sum } from '../ops.js';
import type { StrategyContext } from './strategy.js';

/** The sum over the rows pmap's padding repeated (copies of the last row), to take off a sum or a mean. */
async function paddingSum(context: StrategyContext, x: NDArray, y: NDArray, padded: number): Promise<number> {
  if (padded === 0) return 0;
  const last = x.slice(x.shape[0]! - 1, x.shape[0]!);
  try {
    const rowSum = jit((a, b) => sum(gridOverAxes(gridFunction(context.formula))(a, b)), { backend: 'native' });
    const out = (await rowSum.run([last, y])) as NDArray;
    const value = out.item() * padded;
    out.dispose();
    return value;
  } finally {
    last.dispose();
  }
}

/** Devices a run over n rows (nx) uses: the ones asked for (0: all), never more rows than there are. */
export function pmapDevices(n: number, requested: number, available: number): number {
  const wanted = requested > 0 ? Math.min(requested, available) : available;
  return Math.max(1, Math.min(wanted, n));
}

/** Rows per device, and the padded side, for n rows over d devices. */
export function rowSplit(n: number, devices: number): { rowsPerDevice: number; paddedRows: number } {
  const rowsPerDevice = Math.ceil(n / devices);
  return { rowsPerDevice, paddedRows: rowsPerDevice * devices };
}

export const pmapStrategy: Strategy = {
  name: 'pmap',
  description: 'pmap(vmap(vmap(f))) on x reshaped to (devices, nx/devices): rows split over the native threads',
  takesBackend: false,
  needs: 'cpu',
  availability: () => {
    const status = backendStatus('native');
    if (status.available) return status;
    return { available: false, reason: `pmap's devices are the native threads, and ${status.reason}` };
  },
  predictBytes: ({ nx, ny }, dtype, _formula, reduce) => {
    const available = backendStatus('native').available ? cpuDevices().length : 1;
    const { paddedRows } = rowSplit(nx, pmapDevices(nx, 0, available));
    // To a number: each device keeps a partial, the grid is never stored.
    return (
      (isAnswer(reduce) ? ANSWER_BYTES : paddedRows * ny * itemSize(dtype)) + (paddedRows + nx + ny) * itemSize(dtype)
    );
  },
  async run(context) {
    const { dtype } = context;
    const { nx, ny } = context.grid;
    const available = cpuDevices();
    if (context.devices > available.length) {
      throw new RunRequestError(
        `pmap was asked for ${context.devices} devices but this machine has ${available.length}; use --devices ` +
          `${available.length} or fewer`,
      );
    }
    const devices = pmapDevices(nx, context.devices, available.length);
    const { rowsPerDevice, paddedRows } = rowSplit(nx, devices);
    // Per device: vmap over its rows of x, and within a row over all of y.
    const fPar = pmap(gridOverAxes(gridFunction(context.formula)), { inAxes: [0, null], devices });
    const [x, y] = gridAxes(context.grid, dtype);
    const xPadded = NDArray.empty([paddedRows], dtype);
    xPadded.data.set(x.data.subarray(0, nx));
    xPadded.data.fill(x.data[nx - 1]!, nx, paddedRows);
    const xSplit = xPadded.reshape(devices, rowsPerDevice);
    try {
      const signal = context.signal;
      const mode = context.reduce;
      if (isAnswer(mode)) {
        const fAnswer = pmapAnswerFunction(gridOverAxes(gridFunction(context.formula)), mode, devices);
        let partials: number[] = [];
        const timed = await timeCalls({ ...context, fused: true }, async () => {
          const control = { ...(signal ? { signal } : {}), onProgress: (f: number) => context.progress('first', f) };
          const answer = readPmapAnswer((await fAnswer.run([xSplit, y], control)) as NDArray[], rowsPerDevice, ny);
          partials = answer.partials;
          if (mode === 'sum' || mode === 'mean') {
            answer.value =
              (answer.value - (await paddingSum(context, x, y, paddedRows - nx))) / (mode === 'mean' ? nx * ny : 1);
          }
          return pmapAnswerArray(answer);
        });
        const shown = partials.map((p) => p.toPrecision(7)).join(', ');
        return {
          ...timed,
          devices,
          backend: 'native' as const,
          note:
            `${devices} devices × ${rowsPerDevice} rows; each device's partial: ${shown}; then ` +
            `lax.${mode === 'max' ? 'pmax' : mode === 'min' ? 'pmin' : 'psum'}`,
        };
      }
      const timed = await timeCalls(context, async () => {
        const out = (await fPar.run([xSplit, y], signal ? { signal } : {})) as NDArray; // (devices, rows, ny)
        const rowsView = out.reshape(paddedRows, ny);
        const grid = rowsView.slice(0, nx);
        out.dispose();
        rowsView.dispose();
        return grid;
      });
      const padded = paddedRows - nx;
      return {
        ...timed,
        devices,
        backend: 'native' as const,
        deviceName: available[0]!.name.replace(/ — native thread \d+$/, ''),
        note: `${devices} devices × ${rowsPerDevice} rows${padded ? paddedNote(padded) : ''}`,
      };
    } finally {
      for (const a of [x, y, xPadded, xSplit]) a.dispose();
    }
  },
};

/** What the note adds when x was padded to a multiple of the devices. */
function paddedNote(padded: number): string {
  return ` (x padded by ${padded} rows, sliced off the result)`;
}
