// A description of the machine the figures were measured on, for CSV files
// and reports: without it a timing means little.

import { cpus, release, type as osType, arch, availableParallelism } from 'node:os';
import { devices } from '../backends/registry.js';
import { appVersion } from '../appRoot.js';

export { appVersion };

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  /** The GPU adapter the engine found, or 'none'. */
  gpuAdapter: string;
  os: string;
  appVersion: string;
}

/** Call after loadBackends() so the GPU adapter is known. */
export function machineInfo(): MachineInfo {
  const gpu = devices().find((d) => d.kind === 'gpu');
  return {
    cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: availableParallelism(),
    gpuAdapter: gpu ? `${gpu.name}${gpu.software ? ' (software)' : ''}` : 'none',
    os: `${osType()} ${release()} ${arch()}`,
    appVersion: appVersion(),
  };
}
