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
  availability: () => {
    const status = backendStatus('native');
    if (status.available) return status;
    return { available: false, reason: `pmap's devices are the native threads, and ${status.reason}` };
  },
  predictBytes: ({ nx, ny }, dtype) => {
    const available = backendStatus('native').available ? cpuDevices().length : 1;
    const { paddedRows } = rowSplit(nx, pmapDevices(nx, 0, available));
    return (paddedRows * ny + paddedRows + nx + ny) * itemSize(dtype);
  },
  async run(context) {
    const { dtype } = context;
    const { nx, ny } = context.grid;
    const available = cpuDevices();
    if (context.devices > available.length) {
      throw new RunRequestError(`pmap was asked for ${context.devices} devices but this machine has ${available.length}; use --devices ${available.length} or fewer`);
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
        note: `${devices} devices × ${rowsPerDevice} rows${padded ? ` (x padded by ${padded} rows, sliced off the result)` : ''}`,
      };
    } finally {
      for (const a of [x, y, xPadded, xSplit]) a.dispose();
    }
  },
};
