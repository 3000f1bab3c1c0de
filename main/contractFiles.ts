// What leaves the app as a file: the save dialog's outcome, and the export requests. The format lists themselves
// are values, so they stay in the contract (contract.ts), which the renderer may import values from. Types only.

import type { GridSettings, RunRecord } from '../compute/index.js';
import type { GridFormat, ResultsFormat } from './contract.js';

export type SaveOutcome =
  | { status: 'saved'; path: string }
  /** The web shell hands files to the browser: a one-time address on the loopback host. */
  | { status: 'download'; url: string; fileName: string }
  | { status: 'cancelled' };

export interface ExportResultsRequest {
  records: RunRecord[];
  /** Default csv. */
  format?: ResultsFormat;
}

/** The grid to write (its GridSettings, as the preview and the run name it), plus the file's format. */
export type ExportGridRequest = GridSettings & {
  /** Default csv. */
  format?: GridFormat;
};
