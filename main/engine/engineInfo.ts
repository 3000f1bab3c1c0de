// What the engine knows of AppInfo (the 'engine:info' method): its strategies and devices, the formula box's
// presets, how the native addon was built, and the machine. The service adds the shell's part. Loads the backends
// and the kept machine profile first, so what it reports is what the first run will find.

import { totalmem } from 'node:os';
import {
  DEFAULT_FORMULA,
  FORMULA_PRESETS,
  GRID_RANGE,
  backendStatus,
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

export async function engineInfo(): Promise<ResultOf<'engine:info'>> {
  await Promise.all([loadBackends(), loadKeptProfile()]);
  const list = devices();
  const native = list.filter((d) => d.backend === 'native').length;
  const machine = machineInfo();
  return {
    availability: await strategyAvailability(),
    devices: list,
    maxThreads: Math.max(1, native),
    defaultFormula: DEFAULT_FORMULA,
    formulaPresets: FORMULA_PRESETS.map((preset) => ({ ...preset })),
    gridRange: GRID_RANGE,
    engineBuild: engineBuild(),
    machine: {
      cpuModel: machine.cpuModel,
      cores: machine.cores,
      gpuAdapter: machine.gpuAdapter,
      os: machine.os,
      totalMemoryBytes: totalmem(),
    },
  };
}
