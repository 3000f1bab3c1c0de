// Starts the lab's web shell (`node main/start.mjs` with VLAB_SHELL=web) for
// an end-to-end suite: its own data folder, a memory cap, no browser of its
// own; resolves with the tokenized address it prints. Then opens a page on it
// in Debian's Chromium, headless, WebGL on SwiftShader, page errors echoed.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface WebShell {
  url: string;
  host: ChildProcess;
  dataDir: string;
}

export async function startWebShell(options: { dataDirPrefix: string; memoryCapBytes: number }): Promise<WebShell> {
  const dataDir = await mkdtemp(join(tmpdir(), options.dataDirPrefix));
  const host = spawn(process.execPath, ['main/start.mjs'], {
    cwd: root,
    env: { ...process.env, VLAB_SHELL: 'web', VLAB_NO_BROWSER: '1', VLAB_DATA_DIR: dataDir, VLAB_MEMORY_CAP: String(options.memoryCapBytes) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  host.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web shell did not start in 120 s:\n${output}`)), 120_000);
    host.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /VLAB_URL=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    host.once('exit', (code) => reject(new Error(`the web shell exited with ${code}:\n${output}`)));
  });
  return { url, host, dataDir };
}

const CHROMIUM = process.env.VLAB_BROWSER ?? '/usr/bin/chromium';

/** A headless Chromium with one 1280×800 page that accepts downloads. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  page.on('console', (message) => {
    if (message.type() === 'error') process.stderr.write(`console: ${message.text()}\n`);
  });
  return { browser, page };
}

export interface OpenLab extends WebShell {
  browser: Browser;
  page: Page;
  /** Closes the browser, stops the web shell and removes its data folder (and any `extraDirs`). */
  close(...extraDirs: (string | undefined)[]): Promise<void>;
}

/** The web shell started and a page opened on it, as every suite's before() needs; close() in its after(). */
export async function openLab(options: { dataDirPrefix: string; memoryCapBytes: number }): Promise<OpenLab> {
  const shell = await startWebShell(options);
  const { browser, page } = await openBrowser();
  await page.goto(shell.url);
  return {
    ...shell,
    browser,
    page,
    async close(...extraDirs) {
      await browser.close();
      shell.host.kill('SIGTERM');
      for (const dir of [shell.dataDir, ...extraDirs]) if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
