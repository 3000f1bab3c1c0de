// What leaves the lab as a file: the session's runs (CSV, JSON, Markdown),
// the grid (CSV or .npy, asking first when it would be large) and the
// surface's PNG. Each asks the shell to write it and tells the user where it
// went on the lab's message line (saveOutcome.ts).

import type {
  DType,
  GridFormat,
  GridSettings,
  LabApi,
  ResultsFormat,
  RunRecord,
  SaveOutcome,
} from '../../../main/contract';
import { formatBytes } from './format';
import { saveMessage, type Message } from './saveOutcome';

/** Grid exports larger than this many points ask before writing (a 6000² grid is about 1 GiB of CSV). */
const LARGE_GRID_EXPORT_POINTS = 4_000_000;

/** What the exports read of the lab, and its message line they answer on. */
export interface ExportingLab {
  readonly api: LabApi;
  readonly runs: { readonly history: RunRecord[] };
  readonly follow: { readonly formulaValid: boolean };
  readonly points: number;
  readonly dtype: DType;
  grid(): GridSettings;
  message: Message | null;
  /** Live runs, which stop while the engine writes the grid (it does one task at a time). */
  readonly live: { hold(): Promise<void>; release(): void };
}

export class LabExports {
  constructor(private readonly lab: ExportingLab) {}

  async results(format: ResultsFormat = 'csv'): Promise<void> {
    if (this.lab.runs.history.length === 0) {
      this.lab.message = { kind: 'error', text: 'Nothing to export yet: run at least one strategy.' };
      return;
    }
    await this.saved(this.lab.api.invoke('export:results', { records: this.lab.runs.history, format }), 'results');
  }

  async grid(format: GridFormat = 'csv'): Promise<void> {
    if (!this.lab.follow.formulaValid) return;
    const points = this.lab.points;
    // About 30 characters a CSV row, the value's bytes in a .npy: past a few million points, ask first.
    const approxBytes = points * (format === 'npy' ? (this.lab.dtype === 'float32' ? 4 : 8) : 30);
    const what = format === 'npy' ? 'the .npy file' : 'the CSV';
    if (
      points > LARGE_GRID_EXPORT_POINTS &&
      !confirm(
        `The grid has ${points.toLocaleString('en-US')} points: ${what} will be about ${formatBytes(approxBytes)}. ` +
          `Write it?`,
      )
    )
      return;
    this.lab.message = { kind: 'info', text: `Writing ${points.toLocaleString('en-US')} grid points…` };
    // The run engine writes one thing at a time: a live run stops for the export.
    await this.lab.live.hold();
    try {
      await this.saved(this.lab.api.invoke('export:grid', { ...this.lab.grid(), format }), 'grid');
    } finally {
      this.lab.live.release();
    }
  }

  async png(png: Uint8Array): Promise<void> {
    await this.saved(this.lab.api.invoke('export:png', { png }), 'surface image');
  }

  private async saved(outcome: Promise<SaveOutcome>, what: string): Promise<void> {
    this.lab.message = await saveMessage(outcome, what, 'export');
  }
}
