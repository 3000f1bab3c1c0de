// Data cache sizes from the OS: Linux's sysfs, macOS's sysctl, Windows'
// CIM (PowerShell). Fails soft: a level the OS does not report is absent and
// `problem` says why. Reads only; never throws.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheLevel, Caches } from './types.js';

const SYSFS_CACHE = '/sys/devices/system/cpu/cpu0/cache';

/** "48K", "2048K", "300M", "32768" (bytes): sysfs's size text in bytes. */
export function parseCacheSize(text: string): number | null {
  const match = /^\s*(\d+)\s*([KMG]?)B?\s*$/i.exec(text);
  if (!match) return null;
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * scale;
}

function fromSysfs(root: string): Caches {
  const caches: Caches = { source: 'sysfs' };
  for (const entry of readdirSync(root).filter((name) => /^index\d+$/.test(name))) {
    const read = (file: string) => readFileSync(join(root, entry, file), 'utf8').trim();
    const type = read('type');
    if (type === 'Instruction') continue;
    const level = `L${read('level')}`;
    const bytes = parseCacheSize(read('size'));
    if ((level === 'L1' || level === 'L2' || level === 'L3') && bytes) caches[level] = bytes;
  }
  return caches;
}

function fromSysctl(): Caches {
  const caches: Caches = { source: 'sysctl' };
  const keys: [CacheLevel, string][] = [
    ['L1', 'hw.l1dcachesize'],
    ['L2', 'hw.l2cachesize'],
    ['L3', 'hw.l3cachesize'],
  ];
  for (const [level, key] of keys) {
    try {
      const bytes = Number(execFileSync('sysctl', ['-n', key], { encoding: 'utf8', timeout: 2000 }).trim());
      if (bytes > 0) caches[level] = bytes;
    } catch {
      // Apple silicon reports no hw.l3cachesize: the level stays absent.
    }
  }
  return caches;
}

function fromWindows(): Caches {
  // Win32_CacheMemory's Level: 3 = primary (L1), 4 = secondary (L2), 5 = tertiary (L3); InstalledSize in KiB.
  const script = 'Get-CimInstance Win32_CacheMemory | ForEach-Object { "$($_.Level) $($_.InstalledSize)" }';
  const text = execFileSync('powershell', ['-NoProfile', '-Command', script], { encoding: 'utf8', timeout: 5000 });
  const caches: Caches = { source: 'wmic' };
  for (const line of text.split(/\r?\n/)) {
    const [level, kib] = line.trim().split(/\s+/).map(Number);
    const name = ({ 3: 'L1', 4: 'L2', 5: 'L3' } as Record<number, CacheLevel>)[level ?? 0];
    if (name && kib) caches[name] = Math.max(caches[name] ?? 0, kib * 1024);
  }
  return caches;
}

/** The data caches of this machine as the OS reports them; `{ source: 'unknown', problem }` where it cannot say. */
export function readCaches(platform: NodeJS.Platform = process.platform, sysfsRoot = SYSFS_CACHE): Caches {
  try {
    const caches = platform === 'darwin' ? fromSysctl() : platform === 'win32' ? fromWindows() : fromSysfs(sysfsRoot);
    const missing = (['L1', 'L2', 'L3'] as const).filter((level) => !caches[level]);
    if (missing.length) caches.problem = `the OS (${caches.source}) reports no ${missing.join(', ')} size`;
    return caches;
  } catch (error) {
    return { source: 'unknown', problem: `could not read the cache sizes: ${(error as Error).message}` };
  }
}
