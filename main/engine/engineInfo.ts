// What the engine knows of AppInfo (the 'engine:info' method): its strategies and devices, the formula box's
// presets, how the native addon was built, and the machine. The service adds the shell's part. It loads the CPU's
// backends and the kept machine profile first, so what it reports is what the first run on the CPU will find; it
// does not wait for Dawn's adapter or Python (each probe takes a child process, half a second or more while a window
// opens): their strategies are `pending` until 'engine:probes', which waits for both, says.

import { totalmem } from 'node:os';
import {
  DEFAULT_FORMULA,
  FORMULA_PRESETS,
  GRID_RANGE,
  availabilityNow,
  backendStatus,
  CPU_BACKENDS,
  devices,
  getBackend,
  loadBackends,
  machineInfo,
  strategyAvailability,
  type NativeBackend,
} from '../../compute/index.js';
import { loadKeptProfile } from './keptProfile.js';
import type { EngineBuild } from '../contract.js';
import type { ResultOf } from './protocol.js';

/** The native addon as loaded (after loadBackends()), for the About panel. */
function engineBuild(): EngineBuild {
  const status = backendStatus('native');
  if (!status.available) return { nativeAddon: false, isa: null, reason: status.reason };
  const { isa, lanesFloat32, lanesFloat64 } = (getBackend('native') as NativeBackend).describe();
  return { nativeAddon: true, isa, lanes: { float32: lanesFloat32, float64: lanesFloat64 } };
}

/** The GPU adapter found, 'none', or that Dawn is still being probed. */
function gpuAdapter(): string {
  const status = backendStatus('webgpu');
  return !status.available && status.pending ? 'probing…' : machineInfo().gpuAdapter;
}

export async function engineInfo(): Promise<ResultOf<'engine:info'>> {
  await Promise.all([loadBackends(CPU_BACKENDS), loadKeptProfile()]);
  const list = devices();
  const native = list.filter((d) => d.backend === 'native').length;
  const machine = machineInfo();
  return {
    availability: availabilityNow(),
    devices: list,
    maxThreads: Math.max(1, native),
    defaultFormula: DEFAULT_FORMULA,
    formulaPresets: FORMULA_PRESETS.map((preset) => ({ ...preset })),
    gridRange: GRID_RANGE,
    engineBuild: engineBuild(),
    machine: {
      cpuModel: machine.cpuModel,
      cores: machine.cores,
      gpuAdapter: gpuAdapter(),
      os: machine.os,
      totalMemoryBytes: totalmem(),
    },
  };
}

/** What engine:info left pending, once every backend has loaded and Python has been probed. */
export async function engineProbes(): Promise<ResultOf<'engine:probes'>> {
  // strategyAvailability() waits for every backend and for Python's probe itself.
  const availability = await strategyAvailability();
  return { availability, devices: devices(), gpuAdapter: gpuAdapter() };
}
