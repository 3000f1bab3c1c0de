// Starts the lab's web shell (`node main/start.mjs` with VLAB_SHELL=web) for
// an end-to-end suite: its own data folder, a memory cap, no browser of its
// own; resolves with the tokenized address it prints. Then opens a page on it
// in Debian's Chromium, headless, WebGL on SwiftShader, page errors echoed.
// Fails fast: without Chromium nothing is started, and what was started is
// stopped when a later step fails (a live web shell would keep the suite's
// process running until it is killed).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, requireBrowser } from './chromium.ts';

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
    env: {
      ...process.env,
      VLAB_SHELL: 'web',
      VLAB_NO_BROWSER: '1',
      VLAB_DATA_DIR: dataDir,
      VLAB_MEMORY_CAP: String(options.memoryCapBytes),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  host.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = new Promise<string>((resolve, reject) => {
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
  try {
    return { url: await started, host, dataDir };
  } catch (error) {
    await stopShell({ host, dataDir });
    throw error;
  }
}

/** Stops the web shell and removes its data folder (and any `extraDirs`). */
async function stopShell(
  shell: Pick<WebShell, 'host' | 'dataDir'>,
  ...extraDirs: (string | undefined)[]
): Promise<void> {
  shell.host.kill('SIGTERM');
  for (const dir of [shell.dataDir, ...extraDirs]) if (dir) await rm(dir, { recursive: true, force: true });
}

/** A headless Chromium with one 1280×800 page that accepts downloads. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  requireBrowser();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  page.on('console', (message) => {
    if (message.type() === 'error') process.stderr.write(`console: ${message.text()}\n`);
  });
  return { browser, page };
}

/**
 * Waits until the app has started and the engine's slow probes (Dawn's adapter, Python) have settled: no strategy is
 * pending. A suite that reads which strategies are available reads them all, never a GPU still being probed.
 */
export async function probesSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="app"].ready') !== null && !document.querySelector('[data-pending]'),
    null,
    { timeout: 60_000 },
  );
}

export interface OpenLab extends WebShell {
  browser: Browser;
  page: Page;
  /** Closes the browser, stops the web shell and removes its data folder (and any `extraDirs`). */
  close(...extraDirs: (string | undefined)[]): Promise<void>;
}

/** The web shell started and a page opened on it, as every suite's before() needs; close() in its after(). */
export async function openLab(options: { dataDirPrefix: string; memoryCapBytes: number }): Promise<OpenLab> {
  requireBrowser();
  const shell = await startWebShell(options);
  let browser: Browser | undefined;
  try {
    const opened = await openBrowser();
    browser = opened.browser;
    await opened.page.goto(shell.url);
    await probesSettled(opened.page);
    return {
      ...shell,
      browser,
      page: opened.page,
      async close(...extraDirs) {
        await opened.browser.close();
        await stopShell(shell, ...extraDirs);
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await stopShell(shell);
    throw error;
  }
}
