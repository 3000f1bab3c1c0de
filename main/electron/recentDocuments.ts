// The recent `.vlab.json` files, most recent first, for File ▸ Open Recent:
// kept in the app's data folder (recent-documents.json) so the list outlives
// the app on every platform, and handed to the OS as well
// (app.addRecentDocument: the Dock menu, the Windows jump list). A file that
// is opened moves to the top; one that can no longer be read is dropped.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RECENT_FILE = 'recent-documents.json';
export const MAX_RECENT = 10;

export interface RecentHooks {
  /** Tells the OS (app.addRecentDocument). */
  addToOs(path: string): void;
  /** app.clearRecentDocuments. */
  clearOs(): void;
  /** The list changed: rebuild the menu. */
  changed(list: readonly string[]): void;
}

export class RecentDocuments {
  private list: string[] = [];
  private readonly file: string;
  /** Writes one after another, so an older list never lands over a newer one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly hooks: RecentHooks,
  ) {
    this.file = join(dataDir, RECENT_FILE);
  }

  get paths(): readonly string[] {
    return this.list;
  }

  /** Reads the kept list; a missing or damaged file is an empty list. */
  async load(): Promise<void> {
    try {
      const data: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      const paths = Array.isArray(data)
        ? data.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length < 4096)
        : [];
      this.list = [...new Set(paths)].slice(0, MAX_RECENT);
    } catch {
      this.list = [];
    }
    this.hooks.changed(this.list);
  }

  async add(path: string): Promise<void> {
    this.list = [path, ...this.list.filter((p) => p !== path)].slice(0, MAX_RECENT);
    this.hooks.addToOs(path);
    await this.persist();
  }

  async remove(path: string): Promise<void> {
    if (!this.list.includes(path)) return;
    this.list = this.list.filter((p) => p !== path);
    await this.persist();
  }

  async clear(): Promise<void> {
    this.list = [];
    this.hooks.clearOs();
    await this.persist();
  }

  private persist(): Promise<void> {
    this.hooks.changed(this.list);
    const text = `${JSON.stringify(this.list, null, 2)}\n`;
    const write = this.writing.then(async () => {
      await mkdir(join(this.file, '..'), { recursive: true });
      await writeFile(`${this.file}.partial`, text, 'utf8');
      await rename(`${this.file}.partial`, this.file);
    });
    // A failed write is the caller's to report; the next one still runs.
    this.writing = write.catch(() => {});
    return write;
  }
}
