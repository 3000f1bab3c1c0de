// The previous session: the runs kept on disk from the last time the app
// ran, offered on a banner, brought back into the results table or
// dismissed. It never deletes a record the user has not dismissed.

import type { LabApi, PreviousSession, RunRecord } from '../../../main/contract';

/** What the session needs of the lab: its shell, the runs' table and the tab to show it on. */
export interface SessionHost {
  readonly api: LabApi;
  readonly runs: { history: RunRecord[] };
  tab: string;
}

export class Session {
  previous = $state.raw<PreviousSession | null>(null);

  constructor(private readonly host: SessionHost) {}

  async restore(): Promise<void> {
    const { records } = await this.host.api.invoke('session:restore', null);
    this.host.runs.history = [...records, ...this.host.runs.history];
    this.previous = null;
    this.host.tab = 'table';
  }

  async dismiss(): Promise<void> {
    await this.host.api.invoke('session:dismiss', null);
    this.previous = null;
  }
}
