// Every public entry module sees the same backends and strategies, each
// imported on its own in a fresh process: the registry loads backends itself,
// so no entry point depends on a side-effect import to find native or webgpu.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What a process that imports only `entry` sees, as JSON. */
function seenFrom(entry: string): { backends: Record<string, boolean>; available: string[] } {
  const script = `
    await import(${JSON.stringify(entry)});
    const { loadBackends, backendStatuses } = await import('./compute/backends/registry.ts');
    const { strategyAvailability } = await import('./compute/strategies/run.ts');
    await loadBackends();
    const backends = Object.fromEntries(backendStatuses().map((b) => [b.name, b.status.available]));
    const available = (await strategyAvailability()).filter((s) => s.available).map((s) => s.strategy);
    process.stdout.write(JSON.stringify({ backends, available }));
    process.exit(0);`;
  // The entry is imported first, alone: what it loads is all the process has when the registry is asked.
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`${entry}: ${child.stderr}`);
  return JSON.parse(child.stdout) as { backends: Record<string, boolean>; available: string[] };
}

describe('entry points', () => {
  it('each see the same backends and strategies as compute/index.ts', () => {
    const reference = seenFrom('./compute/index.ts');
    expect(reference.backends.js).toBe(true);
    for (const entry of ['./compute/strategies/run.ts', './compute/cli/vlab.ts', './compute/classroom/index.ts']) {
      expect(seenFrom(entry), entry).toEqual(reference);
    }
  });

  it('a module importing only strategies/run sees every strategy the machine can run', async () => {
    // In this (vitest) process nothing but run.ts and the registry was imported.
    const { strategyAvailability } = await import('./strategies/run.js');
    const { loadAddon } = await import('./backends/nativeAddon.js');
    const availability = await strategyAvailability();
    const available = availability.filter((s) => s.available).map((s) => s.strategy);
    if (loadAddon().addon)
      expect(available).toEqual(
        expect.arrayContaining(['vmap', 'pmap', 'meshgrid', 'meshgrid-eager', 'loops', 'naive']),
      );
    expect(availability.find((s) => s.strategy === 'pmap')?.reason ?? '').not.toMatch(/not built into this version/);
  });
});
