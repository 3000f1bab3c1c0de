// This machine's profile, where an earlier launch or `vlab machine` kept it in the data folder, made the one the
// engine's records are placed against. Read once per engine process; it never measures (measuring is the
// 'engine:machineProfile' method's, with progress).

import { existsSync } from 'node:fs';
import { machineProfile, profilePath } from '../../compute/index.js';

let keptProfileLoad: Promise<unknown> | null = null;

/** Loads the kept profile (once per process); a missing or damaged file leaves records unplaced. */
export function loadKeptProfile(): Promise<unknown> {
  keptProfileLoad ??= profilePath()
    .then((path) => (existsSync(path) ? machineProfile({}) : null))
    .catch(() => null);
  return keptProfileLoad;
}
