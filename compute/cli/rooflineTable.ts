// `vlab run --roofline`'s table: each record placed on this machine's
// roofline — bytes moved (a model of the plan), operations per point, the
// arithmetic intensity, GB/s and G points/s achieved, and the bound in
// words. Formats only.

import { type RunRecord, boundText, formatBytes } from '../index.js';
import { formatTable } from './table.js';

const HEADER = ['strategy', 'isa', 'bytes moved', 'ops/pt', 'cos/pt', 'flop/B', 'GB/s', 'Gpt/s', 'bound'];

export function rooflineTable(records: readonly RunRecord[]): string {
  const rows = records
    .filter((r) => r.bytesMoved !== undefined)
    .map((r) => [
      r.strategy,
      r.isa ? `${r.isa}${r.lanes ? ` ×${r.lanes}` : ''}` : '',
      formatBytes(r.bytesMoved!),
      String(r.opsPerPoint ?? ''),
      String(r.transcendentalsPerPoint ?? ''),
      (r.arithmeticIntensity ?? 0).toFixed(3),
      (r.achievedGBps ?? 0).toFixed(1),
      (r.gPointsPerS ?? 0).toFixed(3),
      boundText(r).replace(`${r.strategy}: `, ''),
    ]);
  return (
    `\nroofline (bytes moved are a model of each plan: meshes, temporaries, output; GB/s over the timed ` +
    `calls)\n${formatTable(HEADER, rows)}\n`
  );
}
