// The settings of the last session, kept in the app's data folder
// (last.vlab.json) so the app reopens where it was. Written beside and
// renamed over, so a crash mid-write leaves the previous file whole; read
// back through the engine's settings parser, so a damaged or foreign file
// is ignored rather than trusted.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabSettings } from './contract.js';
import { writeBesideThenRename } from '../compute/leaves.js';
import { LabFailure } from './labError.js';

export interface SettingsCodec {
  toJson(settings: LabSettings): Promise<string>;
  /** Fails with a LabFailure of kind 'settings' for text that is not the lab's settings. */
  parse(text: string): Promise<{ settings: LabSettings }>;
}

export class SettingsStore {
  constructor(
    private readonly dataDir: string,
    private readonly codec: SettingsCodec,
  ) {}

  /** Where the settings of the last session are kept. */
  get path(): string {
    return join(this.dataDir, 'last.vlab.json');
  }

  async remember(settings: LabSettings): Promise<void> {
    const text = await this.codec.toJson(settings);
    await mkdir(this.dataDir, { recursive: true });
    await writeBesideThenRename(this.path, (file) => file.writeFile(text, 'utf8'));
  }

  /** The remembered settings, or null when there are none or they do not parse. */
  async restore(): Promise<{ settings: LabSettings } | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return null;
    }
    try {
      return await this.codec.parse(text);
    } catch (error) {
      if (error instanceof LabFailure && error.kind === 'settings') return null;
      throw error;
    }
  }
}
