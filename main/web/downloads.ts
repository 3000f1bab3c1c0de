// The web shell's downloads: the browser saves the lab's files, so the host
// writes each one into the data folder and hands out a one-time address for
// it (/download/<id>); fetching it sends the file as an attachment and
// deletes it. An address is never served twice.

import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SaveOutcome } from '../contract.js';
import type { SaveRequest } from '../service.js';
import { refuse, securityHeaders } from './staticFiles.js';

/** What the lab's exports are, by extension (a .npy is bytes, never text). */
const DOWNLOAD_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.npy': 'application/octet-stream',
};

export class Downloads {
  private readonly files = new Map<string, { path: string; fileName: string }>();

  constructor(private readonly dir: string) {}

  /** The service's saver: writes the file, and answers with its one-time address. */
  readonly save = async (request: SaveRequest): Promise<SaveOutcome> => {
    await mkdir(this.dir, { recursive: true });
    const id = randomBytes(16).toString('hex');
    const path = join(this.dir, `${id}-${request.fileName}`);
    await request.write(path);
    this.files.set(id, { path, fileName: request.fileName });
    return { status: 'download', url: `/download/${id}`, fileName: request.fileName };
  };

  async serve(id: string, response: ServerResponse): Promise<void> {
    const entry = this.files.get(id);
    if (!entry) return refuse(response, 404, 'That download has already been fetched or never existed.');
    this.files.delete(id);
    const { size } = await stat(entry.path);
    securityHeaders(response);
    response.writeHead(200, {
      'Content-Type': DOWNLOAD_TYPES[extname(entry.fileName)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="${entry.fileName.replace(/[^\w.-]/g, '_')}"`,
    });
    const stream = createReadStream(entry.path);
    stream.pipe(response);
    stream.on('close', () => void rm(entry.path, { force: true }));
  }

  /** Removes what was never fetched. */
  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
