// What one vlab invocation shares: the streams it writes to, whether it may
// talk on stderr, and the signal that stops it. Results go to stdout; status
// lines and progress to stderr, progress only on a terminal unless forced.
// Writes nothing to stdout itself.

/** Where the CLI writes: process.stdout and process.stderr, or a test's buffers. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export class Session {
  private progressShownAt = 0;
  private progressShown = false;

  constructor(
    readonly io: CliIo,
    readonly signal: AbortSignal,
    readonly quiet: boolean,
    private readonly progressForced: boolean,
  ) {}

  /** A status line on stderr ("wrote FILE", "skipping …"), unless --quiet. */
  status(line: string): void {
    if (!this.quiet) this.io.stderr.write(`vlab: ${line}\n`);
  }

  /** Progress on stderr: a rewritten line on a terminal, a line a second when forced elsewhere, else nothing. */
  progress(text: string): void {
    const tty = this.io.stderr.isTTY === true;
    if (this.quiet || !(tty || this.progressForced)) return;
    const now = Date.now();
    if (now - this.progressShownAt < (tty ? 100 : 1000)) return;
    this.progressShownAt = now;
    this.progressShown = true;
    this.io.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  progressDone(): void {
    if (this.progressShown && this.io.stderr.isTTY) this.io.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }
}
