// Results as a Markdown table, as hyperfine's --export-markdown writes them:
// one row per run, the median ± IQR and the range in ms, and each run's time
// relative to the fastest strategy on the same grid. A refused run is a row
// too (it is a result); why a run was refused or marked noisy is said below
// the table. Cells are escaped so that a formula with '|' cannot break a row.

import type { Grid } from '../core/grid.js';
import type { RunRecord } from '../strategies/types.js';
import { formatBytes } from '../strategies/memoryGuard.js';
import type { RefusedRun, ResultsInput } from './jsonExport.js';

const HEADER = [
  'Strategy',
  'n',
  'dtype',
  'Backend',
  'Devices',
  'Median ± IQR [ms]',
  'Min [ms]',
  'Max [ms]',
  'Peak memory',
  'Relative',
  'Noisy',
];
const ALIGN = [':---', '---:', ':---', ':---', '---:', '---:', '---:', '---:', '---:', '---:', ':---'];

/** A cell's text with the characters that would end a cell or a row made harmless. */
export function markdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** Enough decimals for three significant digits of `ms`, and at least one, as hyperfine's tables read. */
function decimalsFor(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 1;
  return Math.min(6, Math.max(1, 2 - Math.floor(Math.log10(ms))));
}

const fixed = (ms: number, decimals: number) => (Number.isFinite(ms) ? ms.toFixed(decimals) : String(ms));

/** The grid a row measured: its side when square, "nx × ny" otherwise. */
function gridText({ nx, ny }: Pick<Grid, 'nx' | 'ny'>): string {
  return nx === ny ? String(nx) : `${nx} × ${ny}`;
}

/** Where a note's run was: "at n = 80" when square, "on 2000 × 500" otherwise. */
function atGrid(r: Pick<Grid, 'nx' | 'ny'>): string {
  return r.nx === r.ny ? `at n = ${r.nx}` : `on ${gridText(r)}`;
}

function domainText(r: Pick<RunRecord, 'xRange' | 'yRange'>): string {
  return r.xRange && r.yRange ? `[${r.xRange.join(', ')}] × [${r.yRange.join(', ')}]` : '[-2, 2] × [-2, 2]';
}

function gridKey(r: RunRecord): string {
  return `${gridText(r)}/${r.dtype}/${domainText(r)}`;
}

function recordRow(r: RunRecord, fastest: Map<string, number>): string[] {
  const d = decimalsFor(r.medianMs);
  const best = fastest.get(gridKey(r));
  if (r.shapeError)
    return [`\`${r.strategy}\``, gridText(r), r.dtype, r.backend, String(r.devices), 'shape error', '', '', '', '', ''];
  return [
    `\`${r.strategy}\``,
    gridText(r),
    r.dtype,
    r.backend,
    String(r.devices),
    `${fixed(r.medianMs, d)} ± ${fixed(r.iqrMs, d)}`,
    fixed(r.minMs, d),
    fixed(r.maxMs, d),
    r.peakBytes === undefined ? 'not measured' : formatBytes(r.peakBytes),
    best ? (r.medianMs / best).toFixed(2) : '',
    r.noisy ? 'noisy' : '',
  ];
}

function refusedRow(r: RefusedRun, dtype: string): string[] {
  return [
    `\`${r.strategy}\``,
    gridText(r),
    dtype,
    '',
    '',
    'refused',
    '',
    '',
    `needs ${formatBytes(r.neededBytes)}`,
    '',
    '',
  ];
}

/** A run's number: "max = 0.9999981 at i = 999, j = 999 (x = -0.001, y = -0.001); reference 0.999998, error 9.5e-8". */
function answerText(r: RunRecord): string {
  const at = r.at
    ? ` at i = ${r.at.i}, j = ${r.at.j} (x = ${r.at.x.toPrecision(6)}, y = ${r.at.y.toPrecision(6)})`
    : '';
  const integral = r.integral === undefined ? '' : `; mean × area ≈ ∫∫ f dx dy = ${r.integral.toPrecision(7)}`;
  const wrong = r.allclose ? '' : ' — wrong';
  return (
    `${r.reduce} = ${r.value!.toPrecision(7)}${at}; reference ${r.reference?.toPrecision(7)}, error ` +
    `${r.error?.toPrecision(2)}${integral}${wrong}`
  );
}

export function resultsToMarkdown(input: ResultsInput): string {
  const records = input.records;
  const fastest = new Map<string, number>();
  for (const r of records) {
    if (r.strategy === 'limit' || r.shapeError || !Number.isFinite(r.medianMs)) continue;
    const key = gridKey(r);
    fastest.set(key, Math.min(fastest.get(key) ?? Infinity, r.medianMs));
  }
  const dtypeOf = (nx: number) => records.find((r) => r.nx === nx)?.dtype ?? records[0]?.dtype ?? '';
  const rows = [
    ...records.map((r) => recordRow(r, fastest)),
    ...(input.refused ?? []).map((r) => refusedRow(r, dtypeOf(r.nx))),
  ];
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  const lines = [line(HEADER), `|${ALIGN.join('|')}|`, ...rows.map(line)];

  const notes: string[] = [];
  for (const r of records) if (r.value !== undefined) notes.push(`- \`${r.strategy}\` ${atGrid(r)}: ${answerText(r)}`);
  for (const r of records)
    if (r.shapeError) notes.push(`- \`${r.strategy}\` on ${gridText(r)} raised, as JAX does: ${r.shapeError}`);
  for (const r of records)
    if (r.noisy && r.noisyReason) notes.push(`- \`${r.strategy}\` ${atGrid(r)} is noisy: ${r.noisyReason}.`);
  for (const r of records) if (r.strategy === 'limit' && r.note) notes.push(`- \`limit\` ${atGrid(r)}: ${r.note}.`);
  for (const r of input.refused ?? []) notes.push(`- \`${r.strategy}\` ${atGrid(r)} was refused: ${r.message}`);
  for (const r of input.skipped ?? []) notes.push(`- \`${r.strategy}\` ${atGrid(r)} was skipped: ${r.reason}`);
  const formulas = [...new Set(records.map((r) => r.formula).filter(Boolean))];
  const domains = [...new Set(records.map(domainText))];
  const legend = formulas.length
    ? `\nf(x, y) = \`${formulas.join('`, `')}\` over ${domains.join(', ')}. Relative: the median over the fastest ` +
      `strategy's on the same grid.\n`
    : '';
  return `${lines.join('\n')}\n${legend}${notes.length ? `\n${notes.map(markdownCell).join('\n')}\n` : ''}`;
}
