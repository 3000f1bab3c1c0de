// `vlab devices`: the devices and backends the engine sees, and why a
// backend is missing, as a table or (--json) as data.

import { type Device, backendStatuses, devices, loadBackends } from '../../index.js';
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
  const simd = (d: Device) =>
    d.simd ? `${d.simd.isa} (${d.simd.lanesFloat32} × f32, ${d.simd.lanesFloat64} × f64)` : '';
  const rows = list.map((d) => [d.id, d.kind, d.backend, `${d.name}${d.software ? ' (software)' : ''}`, simd(d)]);
  stdout.write(`${formatTable(['id', 'kind', 'backend', 'name', 'simd'], rows)}\n`);
  for (const { name, status } of statuses)
    if (!status.available) stdout.write(`${name}: unavailable — ${status.reason}\n`);
}
