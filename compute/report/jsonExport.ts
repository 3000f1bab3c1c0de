// Results as one JSON document, as hyperfine's --export-json and
// pytest-benchmark's --benchmark-json write them: the records with every
// timed sample, the machine they were measured on and the lab's version, so
// a file read a year later still says what it measured and where. The
// physical floor and the runs the memory guard refused travel beside the
// records, never mixed in with them: `records` holds exactly the strategies
// that ran. JSON has no NaN or infinity; JSON.stringify writes them as null.

import type { RunRecord, StrategyName } from '../strategies/types.js';
import type { MachineInfo } from './machine.js';

export const RESULTS_SCHEMA = 'vlab-results';
export const RESULTS_SCHEMA_VERSION = 1;

/** A run the memory guard refused before allocating anything: a result, not a crash. */
export interface RefusedRun {
  strategy: StrategyName;
  /** The grid it would have run on. */
  nx: number;
  ny: number;
  neededBytes: number;
  availableBytes: number;
  message: string;
}

/** A run not attempted (strategy unavailable here, over the time budget, failed at a smaller n), and why. */
export interface SkippedRun {
  strategy: StrategyName;
  /** The grid it would have run on. */
  nx: number;
  ny: number;
  reason: string;
}

export interface ResultsDocument {
  /** What the file is and which layout: check both before reading on. */
  schema: typeof RESULTS_SCHEMA;
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  /** The lab's version (package.json). */
  version: string;
  /** When the document was written (ISO 8601, UTC). */
  createdAt: string;
  machine: MachineInfo;
  /** One per strategy run, with samplesMs, iqrMs, stddevMs and noisy. */
  records: RunRecord[];
  /** The physical floor (writing n² outputs) measured beside them, one per grid. */
  limits: RunRecord[];
  refused: RefusedRun[];
  skipped: SkippedRun[];
  /** The command line that made it, where one did (the CLI). */
  command?: string;
}

export interface ResultsInput {
  /** Strategy records and floor records in any mix: they are sorted apart. */
  records: readonly RunRecord[];
  refused?: readonly RefusedRun[];
  skipped?: readonly SkippedRun[];
  command?: string;
}

export function resultsDocument(input: ResultsInput, machine: MachineInfo, now = new Date()): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    version: machine.appVersion,
    createdAt: now.toISOString(),
    machine,
    records: input.records.filter((r) => r.strategy !== 'limit'),
    limits: input.records.filter((r) => r.strategy === 'limit'),
    refused: [...(input.refused ?? [])],
    skipped: [...(input.skipped ?? [])],
    ...(input.command !== undefined ? { command: input.command } : {}),
  };
}

export function resultsJson(input: ResultsInput, machine: MachineInfo, now = new Date()): string {
  return `${JSON.stringify(resultsDocument(input, machine, now), null, 2)}\n`;
}
