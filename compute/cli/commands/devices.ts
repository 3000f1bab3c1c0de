// `vlab devices`: the devices and backends the engine sees, and why a
// backend is missing, as a table or (--json) as data.

import { backendStatuses, devices, loadBackends } from '../../index.js';
import type { Values } from '../args.js';
import type { Session } from '../session.js';
import { formatTable } from '../table.js';

export async function commandDevices(session: Session, values: Values): Promise<void> {
  await loadBackends();
  const list = devices();
  const statuses = backendStatuses();
  const { stdout } = session.io;
  if (values.json) {
    stdout.write(`${JSON.stringify({ devices: list, backends: statuses }, null, 2)}\n`);
    return;
  }
  stdout.write(`${formatTable(['id', 'kind', 'backend', 'name'], list.map((d) => [d.id, d.kind, d.backend, `${d.name}${d.software ? ' (software)' : ''}`]))}\n`);
  for (const { name, status } of statuses) if (!status.available) stdout.write(`${name}: unavailable — ${status.reason}\n`);
}
