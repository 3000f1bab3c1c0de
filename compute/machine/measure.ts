// `vlab machine`'s measurement: the caches from the OS, bandwidth by
// working set, peak FMA throughput per ISA copy and the evaluator's cos
// throughput, in a few seconds, with progress and cancellation. Needs the
// native backend (its threads are the CPU devices). Measures only; keeping
// the result is store.ts's business.

import { cpus } from 'node:os';
import { backendStatus, getBackend, loadBackends } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { StrategyUnavailableError } from '../strategies/strategy.js';
import { measureBandwidth } from './bandwidth.js';
import { readCaches } from './caches.js';
import { measurePeak } from './peak.js';
import { cosPerNs } from './transcendentals.js';
import { MACHINE_PROFILE_VERSION, type MachineProfile, type MachineProgress } from './types.js';

export interface MeasureOptions {
  signal?: AbortSignal;
  onProgress?: (progress: MachineProgress) => void;
}

/** The key a profile is kept under: the CPU model and the thread count, as a file name. */
export function machineKey(cpuModel: string, cores: number): string {
  const model = cpuModel
    .replace(/\(R\)|\(TM\)/gi, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return `${model || 'cpu'}-${cores}t`;
}

/** The CPU as the OS names it. */
export function cpuModel(): string {
  return cpus()[0]?.model?.trim() || 'unknown CPU';
}

/** Measures this machine: about 3–8 s. */
export async function measureMachine(options: MeasureOptions = {}): Promise<MachineProfile> {
  const started = performance.now();
  const { signal } = options;
  const report = (phase: string, fraction: number) => options.onProgress?.({ phase, fraction });
  await loadBackends();
  const status = backendStatus('native');
  if (!status.available)
    throw new StrategyUnavailableError(`measuring the machine needs the native backend: ${status.reason}`);
  const { addon, threads } = (getBackend('native') as NativeBackend).machineProbes();
  report('caches', 0);
  const caches = readCaches();
  // Phases share the bar by their usual cost: bandwidth 60%, peak 30%, cos 10%.
  const { bandwidth, curve } = await measureBandwidth(addon, caches, threads, {
    ...(signal ? { signal } : {}),
    onStep: (f) => report('bandwidth', 0.6 * f),
  });
  const peak = await measurePeak(addon, threads, {
    ...(signal ? { signal } : {}),
    onStep: (f) => report('peak', 0.6 + 0.3 * f),
  });
  const float32 = await cosPerNs('float32', signal);
  report('cos', 0.95);
  const float64 = await cosPerNs('float64', signal);
  report('cos', 1);
  const model = cpuModel();
  return {
    version: MACHINE_PROFILE_VERSION,
    key: machineKey(model, threads),
    cpuModel: model,
    cores: threads,
    measuredAt: new Date().toISOString(),
    measureMs: performance.now() - started,
    caches,
    bandwidth,
    bandwidthCurve: curve,
    ...peak,
    transcendentalsPerNs: { float32, float64 },
  };
}
