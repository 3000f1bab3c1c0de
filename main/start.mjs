// `npm start`: builds the renderer when its sources changed, then opens the
// app in Electron when its binary is installed, else in the web shell
// (Chromium on a loopback host). VLAB_SHELL=web or =electron forces one.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { appRoot, buildElectron, buildRenderer, rendererIsStale } from './build.mjs';

/** The Electron binary's path, or null: the package installs without it where its download failed. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const wanted = process.env.VLAB_SHELL;
const electron = wanted === 'web' ? null : electronBinary();
if (wanted === 'electron' && !electron) {
  process.stderr.write('VLAB_SHELL=electron, but the Electron binary is not installed (its download needs the internet: node node_modules/electron/install.js)\n');
  process.exit(1);
}

if (rendererIsStale()) {
  process.stdout.write('building the renderer…\n');
  await buildRenderer();
}

if (electron) {
  process.stdout.write('Vectorization Lab — desktop app (Electron)\n');
  await buildElectron();
  const child = spawn(electron, [appRoot, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { launchWebShell } = await import('./web/launch.ts');
  await launchWebShell();
}
