// Where a command's results go: the table on stdout, or one format (JSON,
// CSV, Markdown) on stdout with `-`, and any formats to files, each file
// said on stderr. The formats themselves are compute/report's; this module
// only routes them.

import { writeFileSync } from 'node:fs';
import { loadBackends } from '../index.js';
import { sweepToCsv } from '../classroom/sweepCsv.js';
import type { SweepEntry } from '../classroom/sweepPlan.js';
import { machineInfo } from '../report/machine.js';
import { resultsJson } from '../report/jsonExport.js';
import { resultsToMarkdown } from '../report/markdown.js';
import { UsageError } from './errors.js';
import type { Results } from './measure.js';
import { resultsTable } from './resultsTable.js';
import type { Session } from './session.js';

/** The --json, --csv and --markdown targets: a file, '-' for stdout, or absent. */
export interface Outputs {
  json: string | undefined;
  csv: string | undefined;
  markdown: string | undefined;
}

export function parseOutputs(values: Record<string, unknown>): Outputs {
  const outputs = {
    json: values.json as string | undefined,
    csv: values.csv as string | undefined,
    markdown: values.markdown as string | undefined,
  };
  const toStdout = Object.entries(outputs).filter(([, v]) => v === '-');
  if (toStdout.length > 1)
    throw new UsageError(`only one format can go to stdout, got ${toStdout.map(([k]) => `--${k} -`).join(' and ')}`);
  for (const [name, value] of Object.entries(outputs))
    if (value === '') throw new UsageError(`--${name} needs a file name, or - for stdout`);
  return outputs;
}

function entriesOf(results: Results): SweepEntry[] {
  return [
    ...results.records.map((record): SweepEntry => ({
      kind: 'record',
      strategy: record.strategy,
      nx: record.nx,
      ny: record.ny,
      record,
    })),
    ...results.refused.map((r): SweepEntry => ({ kind: 'refused', ...r })),
    ...results.skipped.map((s): SweepEntry => ({ kind: 'skipped', ...s })),
  ];
}

/**
 * Writes the results where `outputs` says; `extra` (the bench's ratios) follows the table, or goes to stderr when data
 * owns stdout.
 */
export async function emit(
  session: Session,
  results: Results,
  outputs: Outputs,
  command: string,
  extra?: string,
): Promise<void> {
  const { io } = session;
  await loadBackends();
  const machine = machineInfo();
  const input = { records: results.records, refused: results.refused, skipped: results.skipped, command };
  const render = {
    json: () => resultsJson(input, machine),
    csv: () =>
      sweepToCsv(
        {
          entries: entriesOf(results),
          dtype: results.dtype,
          backend: results.backend,
          formula: results.formula,
          ...(results.xRange ? { xRange: results.xRange } : {}),
          ...(results.yRange ? { yRange: results.yRange } : {}),
        },
        machine,
      ),
    markdown: () => resultsToMarkdown(input),
  } satisfies Record<keyof Outputs, () => string>;
  let stdoutTaken = false;
  for (const format of ['json', 'csv', 'markdown'] as const) {
    const target = outputs[format];
    if (target === undefined) continue;
    if (target === '-') {
      io.stdout.write(render[format]());
      stdoutTaken = true;
    } else {
      writeFileSync(target, render[format](), 'utf8');
      session.status(`wrote ${target}`);
    }
  }
  if (stdoutTaken) {
    // The data owns stdout; the bench's ratios still belong to the reader.
    if (extra && !session.quiet) io.stderr.write(extra);
    return;
  }
  io.stdout.write(resultsTable(results));
  if (extra) io.stdout.write(extra);
}
