// Starts the web shell: the loopback host, then Debian's Chromium in --app
// mode (a window without browser chrome) on the launch address. The host
// stops when that window closes. Without a browser or a display it prints
// the address and keeps serving, for any browser on this machine.
// VLAB_NO_BROWSER=1 (tests) prints a line `VLAB_URL=…` and opens nothing.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot as findAppRoot, appVersion } from '../../compute/leaves.js';
import { defaultDataDir } from '../paths.js';
import { startWebHost } from './server.js';

const BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
];

/** Chromium flags: a plain app window, and none of the browser's own network traffic (this lab is offline). */
export function chromiumArgs(url: string, profileDir: string, isRoot: boolean): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--window-size=1280,800',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    // Where the GPU is blocklisted or missing (a VM, a remote desktop), WebGL falls back to software instead of a blank
    // surface.
    '--enable-unsafe-swiftshader',
    // Chromium refuses to start as root without it (containers, CI).
    ...(isRoot ? ['--no-sandbox'] : []),
  ];
}

function findBrowser(): string | null {
  const chosen = process.env.VLAB_BROWSER;
  if (chosen) return existsSync(chosen) ? chosen : null;
  return BROWSERS.find((path) => existsSync(path)) ?? null;
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

export async function launchWebShell(): Promise<void> {
  const appRoot = findAppRoot();
  const dataDir = defaultDataDir();
  const host = await startWebHost({
    rendererDir: join(appRoot, 'dist', 'renderer'),
    appRoot,
    appVersion: appVersion(appRoot),
    dataDir,
    port: Number(process.env.VLAB_PORT) || 0,
  });
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    await host.close().catch(() => {});
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  process.stdout.write(`Vectorization Lab — web shell (no Electron binary here; see README)\n`);
  process.stdout.write(`results are kept in ${join(dataDir, 'results.jsonl')}\n`);
  if (process.env.VLAB_NO_BROWSER) {
    process.stdout.write(`VLAB_URL=${host.url}\n`);
    return;
  }
  const browser = findBrowser();
  if (!browser || !hasDisplay()) {
    process.stdout.write(
      `${browser ? 'No display to open a window on' : 'No Chromium found (apt-get install chromium)'}: open this ` +
        `address in a browser on this machine:\n  ${host.url}\n`,
    );
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(browser, chromiumArgs(host.url, join(dataDir, 'browser-profile'), isRoot), { stdio: 'ignore' });
  child.on('error', (error) => {
    process.stdout.write(`Could not start ${browser} (${error.message}); open ${host.url} in a browser.\n`);
  });
  child.on('exit', () => void shutdown(0));
}
