// The machine's profile kept in the data folder (machine/<key>.json, keyed by
// CPU model and thread count), so that each measurement is paid once;
// `refresh` measures again. Also the process's current profile, which
// places each run record on the roofline (roofline.ts) once a shell has
// loaded it. A kept file of another version, or one that does not parse,
// is measured again, never trusted.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../dataDir.js';
import { getBackend, backendStatus, loadBackends } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { cpuModel, machineKey, measureMachine, type MeasureOptions } from './measure.js';
import { MACHINE_PROFILE_VERSION, MEMORY_LEVELS, type MachineProfile } from './types.js';

export interface ProfileOptions extends MeasureOptions {
  /** The data folder (default: the app's, as compute/dataDir.ts says). */
  dataDir?: string;
  /** Measure again even where a profile is kept. */
  refresh?: boolean;
}

export interface KeptProfile {
  profile: MachineProfile;
  /** Whether it was measured now (else read from `path`). */
  measured: boolean;
  path: string;
}

let current: MachineProfile | null = null;

/** The profile runs are placed against in this process, once a shell has loaded one. */
export function currentMachineProfile(): MachineProfile | null {
  return current;
}

export function useMachineProfile(profile: MachineProfile | null): void {
  current = profile;
}

/** Where this machine's profile is kept. */
export async function profilePath(dataDir = defaultDataDir()): Promise<string> {
  // The native pool's threads name the file: Dawn is not needed (nor waited for).
  await loadBackends(['native']);
  const threads = backendStatus('native').available
    ? (getBackend('native') as NativeBackend).devices().length
    : availableParallelism();
  return join(dataDir, 'machine', `${machineKey(cpuModel(), threads)}.json`);
}

function isProfile(value: unknown): value is MachineProfile {
  const p = value as MachineProfile;
  return (
    typeof p === 'object' &&
    p !== null &&
    p.version === MACHINE_PROFILE_VERSION &&
    MEMORY_LEVELS.every((level) => typeof p.bandwidth?.[level]?.writeGBps === 'number') &&
    typeof p.peakGflops === 'object' &&
    typeof p.transcendentalsPerNs?.float32 === 'number'
  );
}

/** The kept profile, made current for this process; null where none is kept (or it is damaged): nothing is measured. */
export async function keptMachineProfile(dataDir?: string): Promise<KeptProfile | null> {
  const path = await profilePath(dataDir);
  try {
    const kept: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!isProfile(kept)) return null;
    useMachineProfile(kept);
    return { profile: kept, measured: false, path };
  } catch {
    return null;
  }
}

/** The kept profile, else one measured now and kept; made current for this process. */
export async function machineProfile(options: ProfileOptions = {}): Promise<KeptProfile> {
  const path = await profilePath(options.dataDir);
  const kept = options.refresh ? null : await keptMachineProfile(options.dataDir);
  if (kept) return kept;
  const { dataDir: _dataDir, refresh: _refresh, ...measure } = options;
  const profile = await measureMachine(measure);
  mkdirSync(join(path, '..'), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(profile, null, 2)}\n`);
  renameSync(partial, path);
  useMachineProfile(profile);
  return { profile, measured: true, path };
}
