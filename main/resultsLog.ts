// Every finished run, appended to a file in the app's data folder the moment
// it finishes, one JSON line each, so that a crash or a closed window loses
// none. At the next launch the most recent earlier session that the user has
// neither restored nor dismissed is offered back. The file is only ever
// appended to, each line flushed to the disk (fsync) before the run is shown;
// a line that cannot be read (a write cut short by a crash) is skipped, and
// the next line starts on a line of its own so it is not lost with it. A
// record is taken back only if it passes the run record's schema, the one
// export:results checks: what is offered back can be exported.

import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunRecord } from '../compute/index.js';
import type { PreviousSession } from './contract.js';
import { runRecordRefusal } from './validate.js';

type Line =
  | { type: 'run'; sessionId: string; startedAt: string; savedAt: string; record: RunRecord }
  | { type: 'handled'; sessionId: string; savedAt: string };

/** Only the end of a very long log is read at launch. */
const READ_LIMIT_BYTES = 16 * 1024 * 1024;

export class ResultsLog {
  readonly startedAt = new Date().toISOString();
  /** The lines the last read left out, each with why (a record's: the rule it broke, in export:results' words). */
  skipped: { line: number; reason: string }[] = [];

  constructor(
    readonly path: string,
    readonly sessionId: string,
  ) {}

  async append(record: RunRecord): Promise<void> {
    await this.write({
      type: 'run',
      sessionId: this.sessionId,
      startedAt: this.startedAt,
      savedAt: new Date().toISOString(),
      record,
    });
  }

  /** The latest other session with runs that was neither restored nor dismissed. */
  async previousSession(): Promise<PreviousSession | null> {
    const lines = await this.readLines();
    const handled = new Set(lines.filter((l) => l.type === 'handled').map((l) => l.sessionId));
    const sessions = new Map<string, PreviousSession>();
    for (const line of lines) {
      if (line.type !== 'run' || line.sessionId === this.sessionId || handled.has(line.sessionId)) continue;
      let session = sessions.get(line.sessionId);
      if (!session) {
        session = { sessionId: line.sessionId, startedAt: line.startedAt, records: [] };
        sessions.set(line.sessionId, session);
      }
      session.records.push(line.record);
    }
    let latest: PreviousSession | null = null;
    for (const session of sessions.values()) if (!latest || session.startedAt > latest.startedAt) latest = session;
    return latest;
  }

  /** Marks a session as dealt with; restored runs are appended again under this session, so they stay kept. */
  async markHandled(sessionId: string, restored: readonly RunRecord[] = []): Promise<void> {
    for (const record of restored) await this.append(record);
    await this.write({ type: 'handled', sessionId, savedAt: new Date().toISOString() });
  }

  /** One append at a time, so lines never interleave. */
  private queue: Promise<void> = Promise.resolve();

  private write(line: Line): Promise<void> {
    const next = this.queue.then(() => this.appendLine(`${JSON.stringify(line)}\n`));
    this.queue = next.catch(() => {});
    return next;
  }

  private async appendLine(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a+');
    try {
      const { size } = await file.stat();
      let prefix = '';
      if (size > 0) {
        // A last line cut short by a crash has no newline: end it, so this line stays whole.
        const last = Buffer.alloc(1);
        await file.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await file.write(prefix + text);
      await file.sync();
    } finally {
      await file.close();
    }
  }

  private async readLines(): Promise<Line[]> {
    let text: string;
    try {
      const size = (await stat(this.path)).size;
      text = await readFile(this.path, 'utf8');
      if (size > READ_LIMIT_BYTES) text = text.slice(text.length - READ_LIMIT_BYTES);
    } catch {
      return [];
    }
    const lines: Line[] = [];
    this.skipped = [];
    for (const [index, raw] of text.split('\n').entries()) {
      if (!raw.trim()) continue;
      const line = readLine(raw);
      if (typeof line === 'string') this.skipped.push({ line: index + 1, reason: line });
      else lines.push(line);
    }
    return lines;
  }
}

/** One line of the log, or why it is left out. */
function readLine(raw: string): Line | string {
  let line: unknown;
  try {
    line = JSON.parse(raw);
  } catch {
    return 'not JSON (a write cut short by a crash?)';
  }
  if (!line || typeof line !== 'object' || typeof (line as Line).sessionId !== 'string')
    return 'not a line of this log';
  const { type } = line as Line;
  if (type === 'handled') return line as Line;
  if (type !== 'run') return `a line of type ${JSON.stringify(type)}`;
  // A record of another shape (an older version, a damaged line) is left out, not offered half-read.
  return runRecordRefusal((line as { record: unknown }).record) ?? (line as Line);
}
