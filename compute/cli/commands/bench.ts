// `vlab bench`: the strategies timed on several square sizes (--sizes) or
// on one nx × ny grid (--nx, --ny), over the domain asked, each grid
// followed by ratios against yardsticks measured in the same run on the same
// x and y — the hand-written JS loop, loops per call, the floor, the native
// kernel — and with --threads pmap's thread scaling on the largest grid.
// A size the memory guard refuses is a row, not an error.

import {
  type DType,
  type GridSpec,
  type RunRecord,
  LAB_STRATEGY_NAMES,
  backendStatus,
  cpuDevices,
  keptMachineProfile,
  loadBackends,
} from '../../index.js';
import { handWrittenLoopMs } from '../../bench/handLoop.js';
import { nativeBenchLines } from '../../bench/nativeBench.js';
import { fusedMaxBenchLines } from '../../bench/fusedMaxBench.js';
import { measureThreadScaling, threadCounts, threadScalingLines } from '../../strategies/threadScaling.js';
import {
  type GridOptions,
  type Values,
  gridLabel,
  gridSpec,
  parseInteger,
  parseRanges,
  parseRunOptions,
  parseStrategies,
} from '../args.js';
import { UsageError } from '../errors.js';
import { type Results, resultsContext, runStrategies } from '../measure.js';
import { emit, parseOutputs } from '../output.js';
import type { Session } from '../session.js';
import { formatMs } from '../table.js';

const DEFAULT_SIZES = '80,1000,4000';

/** The grids to bench: each --sizes side squared, or the one --nx × --ny grid; over --x-range × --y-range. */
export function parseBenchGrids(values: Values): GridOptions[] {
  const ranges = parseRanges(values);
  const { nx, ny, sizes, n } = values as Record<string, string | undefined>;
  if ([sizes, n, nx ?? ny].filter((v) => v !== undefined).length > 1)
    throw new UsageError(
      'bench takes --sizes (square grids), --n (one square grid) or --nx and --ny (one grid), not two',
    );
  if (n !== undefined) {
    const side = parseInteger('n', n, 0, 1);
    return [{ nx: side, ny: side, ...ranges }];
  }
  if (nx !== undefined || ny !== undefined) {
    if (nx === undefined || ny === undefined)
      throw new UsageError('bench needs both --nx and --ny for an nx × ny grid (or --sizes for square ones)');
    return [{ nx: parseInteger('nx', nx, 0, 1), ny: parseInteger('ny', ny, 0, 1), ...ranges }];
  }
  return (sizes ?? DEFAULT_SIZES).split(',').map((s) => {
    const n = parseInteger('sizes', s.trim(), 0, 1);
    return { nx: n, ny: n, ...ranges };
  });
}

export async function commandBench(session: Session, values: Values, command: string): Promise<void> {
  const grids = parseBenchGrids(values);
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  const options = parseRunOptions(values, 'float64');
  const { dtype, repeats } = options;
  const loopsMax = parseInteger('loops-max', values['loops-max'] as string | undefined, 1000);
  const outputs = parseOutputs(values);
  const all: Results = { records: [], refused: [], skipped: [], ...resultsContext(options), ...parseRanges(values) };
  const threads = values.threads === undefined ? null : threadCounts(values.threads as string, await nativePoolSize());
  // The kept machine profile (vlab machine), where there is one, lets the threads table say whether pmap is
  // memory-bound.
  if (threads) await keptMachineProfile();
  let summary = '';
  for (const grid of grids) {
    // loops makes one call per point: past loopsMax² points it would take minutes.
    const chosen = strategies.filter((s) => s !== 'loops' || grid.nx * grid.ny <= loopsMax * loopsMax);
    if (chosen.length < strategies.length)
      session.status(`${gridLabel(grid)}: skipping loops above --loops-max ${loopsMax} (it would take minutes)`);
    const { records, refused, skipped } = await runStrategies(session, chosen, grid, options, {
      explicit: false,
      refusalsAreRows: true,
    });
    all.records.push(...records);
    all.refused.push(...refused);
    all.skipped.push(...skipped);
    // Yardsticks only where something was measured: on a refused grid they would not fit either.
    if (!records.some((r) => r.strategy !== 'limit')) continue;
    summary += benchSummary(gridSpec(grid), dtype, repeats, records);
    const nativeLines = await nativeBenchLines(gridSpec(grid), dtype, repeats, records, session.signal);
    if (nativeLines.length) summary += `${nativeLines.join('\n')}\n`;
    const fusedLines = records.some((r) => r.strategy === 'pmap')
      ? await fusedMaxBenchLines(gridSpec(grid), dtype, repeats, session.signal)
      : [];
    if (fusedLines.length) summary += `${fusedLines.join('\n')}\n`;
  }
  const measured = all.records.filter((r) => r.strategy !== 'limit');
  if (threads && measured.length) {
    const largest = measured.reduce((a, b) => (b.nx * b.ny > a.nx * a.ny ? b : a));
    const grid: GridSpec = { nx: largest.nx, ny: largest.ny, xRange: largest.xRange, yRange: largest.yRange };
    session.progress(`thread scaling at ${gridLabel(grid)}`);
    const points = await measureThreadScaling(grid, dtype, repeats, threads, { signal: session.signal });
    summary += `${threadScalingLines(grid, dtype, points).join('\n')}\n`;
  }
  await emit(session, all, outputs, command, summary);
}

/** Ratios against yardsticks measured in this run on this grid: the hand-written JS loop, loops per call, the limit. */
function benchSummary(grid: GridSpec, dtype: DType, repeats: number, records: RunRecord[]): string {
  const lines = [`\n${grid.nx === grid.ny ? `n = ${grid.nx}` : `${grid.nx} × ${grid.ny}`} (${dtype}):`];
  const by = (s: string, backend?: string) =>
    records.find((r) => r.strategy === s && (!backend || r.backend === backend));
  const hand = handWrittenLoopMs(grid, dtype, repeats);
  lines.push(`  hand-written JS double loop (Math.cos, Float${dtype === 'float32' ? 32 : 64}Array): ${formatMs(hand)}`);
  const jsVmap = by('vmap', 'js');
  if (jsVmap) lines.push(`  vmap (js) / hand-written loop: ${(jsVmap.medianMs / hand).toFixed(2)}×   (goal ≤ 1.5×)`);
  const loops = by('loops');
  if (loops)
    lines.push(
      `  loops: ${((loops.minMs * 1000) / (grid.nx * grid.ny)).toFixed(2)} µs per call on ${loops.backend}` +
        '   (goal < 2 µs)',
    );
  const vmapRecord = by('vmap');
  const mesh = by('meshgrid');
  if (vmapRecord?.peakBytes !== undefined && mesh?.peakBytes !== undefined)
    lines.push(
      `  vmap peak / meshgrid peak: ${((100 * vmapRecord.peakBytes) / mesh.peakBytes).toFixed(0)}%   (goal ≤ 45%)`,
    );
  const limit = by('limit');
  if (limit) {
    for (const r of records)
      if (r.strategy !== 'limit')
        lines.push(`  ${r.strategy} (${r.backend}) / limit: ${(r.medianMs / limit.medianMs).toFixed(2)}×`);
  }
  return `${lines.join('\n')}\n`;
}

/** The native pool's size (0 without the addon: --threads then says why). */
async function nativePoolSize(): Promise<number> {
  await loadBackends();
  return backendStatus('native').available ? cpuDevices().length : 0;
}
