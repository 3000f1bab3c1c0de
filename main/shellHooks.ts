// What a shell (Electron's window or the web shell's socket) gives the
// service: its name and version, where data lives, how it saves a file and
// emits an event, and optionally how it sets the theme and starts an engine.

import type { AppInfo, EventMap, EventName, SaveOutcome, Theme } from './contract.js';
import type { SpawnEngine } from './engine/port.js';

export interface SaveRequest {
  /** Suggested file name, e.g. vlab-results-2026-11-25.csv. */
  fileName: string;
  filter: { name: string; extensions: string[] };
  /** Writes the file at the path the user (or the shell) chose. */
  write: (path: string) => Promise<void>;
}

export interface ShellHooks {
  shell: AppInfo['shell'];
  appVersion: string;
  /** The app's data folder: results log, downloads. */
  dataDir: string;
  save(request: SaveRequest): Promise<SaveOutcome>;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  /**
   * The desktop's own chrome follows the theme picker (Electron's nativeTheme); the web shell has none, and passes
   * nothing.
   */
  setTheme?(theme: Theme): void;
  /**
   * How the shell starts an engine process: Electron's utility process; without it, a Node child (child_process.fork).
   */
  spawnEngine?: SpawnEngine;
}
