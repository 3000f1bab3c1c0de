// Which window `npm start` opens: Electron where its binary is installed,
// else the web shell; VLAB_SHELL=web or =electron asks for one. Plain
// JavaScript, because it runs before the TypeScript loader is set up.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron binary's path, or null: the package installs without it where its download failed. */
export function electronBinary(require = createRequire(import.meta.url), exists = existsSync) {
  try {
    const path = require('electron');
    return typeof path === 'string' && exists(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * @param {string | undefined} wanted VLAB_SHELL
 * @param {string | null} binary the Electron binary, if any
 * @returns {{ shell: 'electron', binary: string } | { shell: 'web' } | { shell: null, error: string }}
 */
export function chooseShell(wanted, binary) {
  if (wanted === 'web') return { shell: 'web' };
  if (wanted === 'electron') {
    return binary
      ? { shell: 'electron', binary }
      : {
          shell: null,
          error:
            'VLAB_SHELL=electron, but the Electron binary is not installed (its download needs the internet: node ' +
            'node_modules/electron/install.js)',
        };
  }
  if (wanted) return { shell: null, error: `VLAB_SHELL must be web or electron, not '${wanted}'` };
  return binary ? { shell: 'electron', binary } : { shell: 'web' };
}
