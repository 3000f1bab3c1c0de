// Results as the terminal reads them: one row per run (refused runs too),
// with each run's ratio against the loops and floor rows of the same grid,
// and below the table what the reader must know — notes, the GPU's time
// split, why a run is noisy, refused or skipped. Formats only.

import { type RunRecord, formatBytes } from '../index.js';
import { gridLabel } from './args.js';
import type { Results } from './measure.js';
import { formatError, formatMs, formatTable } from './table.js';

const RECORD_HEADER = [
  'strategy',
  'grid',
  'backend',
  'dev',
  'shape',
  'first',
  'median ± IQR',
  'peak',
  'predicted',
  'max|err|',
  'allclose',
  'vs loops',
  'vs limit',
  'noisy',
];

/** The table and, where there are any, the note lines below it. */
export function resultsTable(results: Results): string {
  const notes = noteLines(results);
  return `${formatTable(RECORD_HEADER, recordRows(results))}\n${notes.length ? `${notes.join('\n')}\n` : ''}`;
}

function recordRows(results: Results): string[][] {
  const { records } = results;
  // Ratios only against the loops and limit rows of the same grid (a bench mixes sizes).
  const sameGrid = (r: RunRecord, strategy: string) =>
    records.find((o) => o.strategy === strategy && o.nx === r.nx && o.ny === r.ny && o.dtype === r.dtype);
  const rows = records.map((r) => {
    const loops = sameGrid(r, 'loops');
    const limit = sameGrid(r, 'limit');
    const isLimit = r.strategy === 'limit';
    if (r.shapeError)
      return [
        r.strategy,
        gridSizeCell(r),
        r.backend,
        String(r.devices),
        'shape error',
        formatMs(r.firstMs),
        '',
        '',
        formatBytes(r.predictedBytes),
        '',
        'NO',
        '',
        '',
        '',
      ];
    return [
      r.strategy,
      gridSizeCell(r),
      r.backend,
      String(r.devices),
      // To a number, the shape column shows it: "max 0.9999981".
      r.value !== undefined ? `${r.reduce} ${r.value.toPrecision(7)}` : `(${r.shape.join(', ')})`,
      formatMs(r.firstMs),
      isLimit ? formatMs(r.medianMs) : `${formatMs(r.medianMs)} ± ${formatMs(r.iqrMs)}`,
      r.peakBytes === undefined ? 'not measured' : formatBytes(r.peakBytes),
      formatBytes(r.predictedBytes),
      isLimit ? '' : formatError(r.maxAbsErr),
      isLimit ? '' : r.allclose ? 'yes' : 'NO',
      loops && !isLimit ? `${(loops.medianMs / r.medianMs).toFixed(1)}×` : '',
      limit ? `${(r.medianMs / limit.medianMs).toFixed(2)}×` : '',
      r.noisy ? 'noisy' : '',
    ];
  });
  for (const r of results.refused) {
    rows.push([
      r.strategy,
      gridSizeCell(r),
      '',
      '',
      `(${r.strategy === 'naive' ? r.nx : `${r.nx}, ${r.ny}`})`,
      '',
      'refused',
      '',
      formatBytes(r.neededBytes),
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  return rows;
}

/** The grid column: its side when square (as before), "nx×ny" otherwise. */
function gridSizeCell(r: { nx: number; ny: number }): string {
  return r.nx === r.ny ? String(r.nx) : `${r.nx}×${r.ny}`;
}

/** What the reader must know below the table: notes, the GPU's time split, why runs are noisy, refused or skipped. */
function noteLines(results: Results): string[] {
  // A run's grid: records, refused and skipped runs all carry nx and ny.
  const label = (r: { nx: number; ny: number }) => gridLabel(r);
  const manySizes = new Set([...results.records, ...results.refused, ...results.skipped].map(label)).size > 1;
  const who = (r: { strategy: string; nx: number; ny: number }) =>
    manySizes ? `${r.strategy} ${label(r)}` : r.strategy;
  const lines: string[] = [];
  for (const r of results.records) if (r.shapeError) lines.push(`  ${who(r)}: TypeError: ${r.shapeError}`);
  for (const r of results.records) if (r.note) lines.push(`  ${who(r)}: ${r.note}`);
  for (const r of results.records) {
    if (r.value === undefined) continue;
    const at = r.at
      ? ` at i = ${r.at.i}, j = ${r.at.j} (x = ${r.at.x.toPrecision(6)}, y = ${r.at.y.toPrecision(6)})`
      : '';
    const integral = r.integral === undefined ? '' : `; mean × area ≈ ∫∫ f dx dy = ${r.integral.toPrecision(7)}`;
    lines.push(
      `  ${who(r)}: ${r.reduce} = ${r.value.toPrecision(7)}${at}; float64 reference ` +
        `${r.reference?.toPrecision(10)}, error ${r.error?.toPrecision(2)}${integral}`,
    );
  }
  const domains = new Set(results.records.map((r) => `x in [${r.xRange.join(', ')}], y in [${r.yRange.join(', ')}]`));
  if (domains.size === 1 && results.records.some((r) => r.xRange.join() !== '-2,2' || r.yRange.join() !== '-2,2'))
    lines.push(`  domain: ${[...domains][0]}`);
  for (const r of results.records) {
    if (r.kernelMs === undefined) continue;
    const split =
      `upload ${formatMs(r.uploadMs ?? 0)}, kernel ${formatMs(r.kernelMs)}, read-back ` +
      `${formatMs(r.readbackMs ?? 0)}`;
    lines.push(`  ${who(r)}: ${split}${r.deviceName ? ` on ${r.deviceName}` : ''}`);
  }
  for (const r of results.records)
    if (r.noisy)
      lines.push(
        `  ${who(r)}: noisy: ${r.noisyReason ?? 'spread too wide'}; min…max ${formatMs(r.minMs)}…${formatMs(r.maxMs)}`,
      );
  for (const r of results.refused) lines.push(`  ${who(r)}: refused: ${r.message}`);
  // A strategy unavailable here is skipped at every size: say it once, with the sizes.
  const skipped = new Map<string, string[]>();
  for (const s of results.skipped)
    skipped.set(`${s.strategy}\u0000${s.reason}`, [...(skipped.get(`${s.strategy}\u0000${s.reason}`) ?? []), label(s)]);
  for (const [key, grids] of skipped) {
    const [strategy, reason] = key.split('\u0000');
    lines.push(`  ${strategy}${manySizes ? ` ${sizesText(grids)}` : ''}: skipped: ${reason}`);
  }
  return lines;
}

/**
 * The grids a strategy was skipped on, as one label: "n=10,46,215" when all square (as before), else "120×70,240×70".
 */
function sizesText(labels: readonly string[]): string {
  return labels.every((l) => l.startsWith('n=')) ? `n=${labels.map((l) => l.slice(2)).join(',')}` : labels.join(',');
}
