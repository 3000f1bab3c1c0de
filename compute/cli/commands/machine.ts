// `vlab machine`: this machine measured (caches, bandwidth per level and by
// working set, peak FMA per ISA copy, the evaluator's cos throughput), kept
// per machine in the data folder; --refresh measures again. A table, or
// (--json) the profile as data.

import {
  MEMORY_LEVELS,
  formatBytes,
  machineProfile,
  misorderedLevels,
  misorderedText,
  type MachineProfile,
} from '../../index.js';
import type { Values } from '../args.js';
import type { Session } from '../session.js';
import { formatTable } from '../table.js';

/** The profile, kept or measured now with progress on stderr. */
export async function loadMachineProfile(session: Session, refresh: boolean): Promise<MachineProfile> {
  const { profile, measured, path } = await machineProfile({
    refresh,
    signal: session.signal,
    onProgress: ({ phase, fraction }) =>
      session.progress(`measuring this machine: ${phase} ${Math.round(fraction * 100)}%`),
  });
  session.progressDone();
  session.status(
    measured
      ? `measured this machine in ${(profile.measureMs / 1000).toFixed(1)} s; kept in ${path}`
      : `this machine as measured ${profile.measuredAt} (${path}; --refresh measures again)`,
  );
  return profile;
}

function profileText(p: MachineProfile): string {
  const gb = (value: number) => `${value.toFixed(1)} GB/s`;
  const caches = MEMORY_LEVELS.filter((l) => l !== 'DRAM')
    .map((l) => `${l} ${p.caches[l as 'L1'] ? formatBytes(p.caches[l as 'L1']!) : '?'}`)
    .join(', ');
  const lines = [
    `${p.cpuModel}, ${p.cores} threads; caches (${p.caches.source}): ` +
      `${caches}${p.caches.problem ? ` — ${p.caches.problem}` : ''}`,
    '',
  ];
  lines.push(
    formatTable(
      ['level', 'working set', 'read', 'write'],
      MEMORY_LEVELS.map((l) => {
        const b = p.bandwidth[l];
        return [
          l,
          formatBytes(b.bytes),
          gb(b.readGBps),
          `${gb(b.writeGBps)}${b.writeKind === 'streaming' ? ' (streaming stores)' : ''}`,
        ];
      }),
    ),
  );
  const misordered = misorderedLevels(p.bandwidth);
  // Measured twice more already: what is left is the machine's (or a neighbour's), and the reader should know.
  if (misordered.length)
    lines.push(
      `not ordered L1 > L2 > L3 > DRAM: ${misordered.map(misorderedText).join('; ')} (--refresh measures again)`,
    );
  lines.push(
    '',
    formatTable(
      [
        'ISA',
        'lanes f32/f64',
        'float32 1 thread',
        `float32 ${p.cores} threads`,
        'float64 1 thread',
        `float64 ${p.cores} threads`,
      ],
      p.isas.map((isa) => {
        const g = p.peakGflops[isa]!;
        const f = (v: number) => `${v.toFixed(0)} Gflop/s`;
        return [
          isa,
          `${p.lanes[isa]!.float32}/${p.lanes[isa]!.float64}`,
          f(g.float32.oneThread),
          f(g.float32.allThreads),
          f(g.float64.oneThread),
          f(g.float64.allThreads),
        ];
      }),
    ),
  );
  const t = p.transcendentalsPerNs;
  lines.push(
    '',
    `the evaluator's cos, one thread: ${t.float32.toFixed(2)} per ns (float32), ${t.float64.toFixed(2)} per ns ` +
      `(float64)`,
  );
  return `${lines.join('\n')}\n`;
}

export async function commandMachine(session: Session, values: Values): Promise<void> {
  const profile = await loadMachineProfile(session, values.refresh === true);
  session.io.stdout.write(values.json ? `${JSON.stringify(profile, null, 2)}\n` : profileText(profile));
}
