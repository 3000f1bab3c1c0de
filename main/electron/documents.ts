// Opening `.vlab.json` files in the desktop app, from wherever they come:
// File ▸ Open…, Open Recent, the command line (`vectorization-lab lesson.vlab.json`),
// a second launch while the app runs, and macOS's 'open-file' (the Finder,
// the Dock), which can arrive before the window exists. Each file is read
// here (size-capped), checked by the engine's settings parser (never run),
// and handed to the window as a 'document:opened' event. Files that arrive
// before the window is ready to apply them wait, in order: the window says
// it is ready once it has restored the last session, so a file opened at
// launch wins over the session it would otherwise reopen.

import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import type { LabSettings, OpenedDocument } from '../contract.js';
import { MAX_SETTINGS_BYTES, SETTINGS_EXTENSION } from '../../compute/leaves.js';
import { LabFailure } from '../labError.js';

export interface DocumentHooks {
  /** The engine's settings parser: fails, with the reason, for text that is not settings. */
  parse(text: string): Promise<{ settings: LabSettings }>;
  /** To the window ('document:opened'). */
  deliver(document: OpenedDocument): void;
  /** Opened whole: it goes to the top of the recent documents. */
  opened(path: string): Promise<void>;
  /** Could not be read at all (moved, deleted): it leaves the recent documents. */
  unreadable(path: string): Promise<void>;
}

/** Whether a command-line argument names a settings file (not a switch of Electron or Chromium). */
export function isSettingsPath(arg: string): boolean {
  return !arg.startsWith('-') && arg.toLowerCase().endsWith(SETTINGS_EXTENSION);
}

/** The settings files a command line names, made absolute against the directory it was started in. */
export function documentsInArgv(argv: readonly string[], cwd: string): string[] {
  // argv[0] is the executable; in development argv[1] is the app's folder. Neither ends in .vlab.json.
  return argv
    .slice(1)
    .filter(isSettingsPath)
    .map((arg) => (isAbsolute(arg) ? arg : resolve(cwd, arg)));
}

export class Documents {
  private ready = false;
  private readonly waiting: string[] = [];

  constructor(private readonly hooks: DocumentHooks) {}

  /** Opens the file now if the window can take it, or as soon as it can. */
  open(path: string): void {
    if (this.ready) void this.read(path);
    else this.waiting.push(path);
  }

  /** The window has restored its last session and listens for documents. */
  windowReady(): void {
    this.ready = true;
    for (const path of this.waiting.splice(0)) void this.read(path);
  }

  /** The window is gone (or reloading): documents wait for the next one. */
  windowGone(): void {
    this.ready = false;
  }

  /** Reads, checks and delivers one file; every failure becomes a message for the window, naming the file. */
  async read(path: string): Promise<OpenedDocument> {
    const fileName = basename(path);
    const document = await this.load(path, fileName);
    this.hooks.deliver(document);
    return document;
  }

  private async load(path: string, fileName: string): Promise<OpenedDocument> {
    let text: string;
    try {
      const info = await stat(path);
      if (!info.isFile()) return { fileName, error: { kind: 'io', message: `${path} is not a file` } };
      if (info.size > MAX_SETTINGS_BYTES) {
        return {
          fileName,
          error: {
            kind: 'settings',
            message:
              `${fileName} is ${info.size} bytes: a settings file is at most ${MAX_SETTINGS_BYTES} bytes, ` +
              `so this is not one`,
          },
        };
      }
      text = await readFile(path, 'utf8');
    } catch (error) {
      await this.hooks.unreadable(path).catch(() => {});
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === 'ENOENT'
          ? `${path} is no longer there`
          : `could not read ${path}: ${error instanceof Error ? error.message : String(error)}`;
      return { fileName, error: { kind: 'io', message } };
    }
    let settings: LabSettings;
    try {
      ({ settings } = await this.hooks.parse(text));
    } catch (error) {
      return {
        fileName,
        error:
          error instanceof LabFailure
            ? error.toLabError()
            : { kind: 'settings', message: error instanceof Error ? error.message : String(error) },
      };
    }
    await this.hooks.opened(path).catch(() => {});
    return { fileName, settings };
  }
}
