// Why it is fast, end to end, against the web shell in Debian's Chromium:
// with a fresh data folder and no input at all, Live calibrates at launch and
// times the opening grid, so vmap's and pmap's time bars appear within 3 s of
// the page being opened; the calibration is said in the Live line. Screenshots
// go to e2e/screenshots/machine-*.png and are committed.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, root, startWebShell, type WebShell } from './webShell.ts';

const shots = join(root, 'e2e', 'screenshots');
const MEMORY_CAP = 2_000_000_000;
/** The bound: time bars for vmap and pmap within 3 s of the window, with no input. */
const FIRST_BARS_MS = 3000;

let shell: WebShell;
let browser: Browser;
let page: Page;
let openedAt = 0;

before(async () => {
  await mkdir(shots, { recursive: true });
  shell = await startWebShell({ dataDirPrefix: 'vlab-e2e-machine-', memoryCapBytes: MEMORY_CAP });
  ({ browser, page } = await openBrowser());
  openedAt = Date.now();
  await page.goto(shell.url);
});

after(async () => {
  await browser?.close();
  shell?.host.kill();
  if (shell) await rm(shell.dataDir, { recursive: true, force: true });
});

/** The opening grid's stamp, as the time chart writes it on a bar measured there. */
async function openingStamp(): Promise<string> {
  const n = Number((await page.getByTestId('n-value').innerText()).replace(/,/g, ''));
  return `${n}x${n}:float32`;
}

describe('live from the first second', { concurrency: false }, () => {
  it('shows time bars for vmap and pmap within 3 s of opening, with no input', async () => {
    const stamp = await page.getByTestId('n-value').waitFor({ timeout: 10_000 }).then(openingStamp);
    const barsAt = await page
      .waitForFunction(
        (stamp) =>
          ['vmap', 'pmap'].every((s) => document.querySelector(`[data-testid="time-chart"] [data-strategy="${s}"][data-state="current"][data-stamp="${stamp}"]`) !== null),
        stamp,
        { timeout: 30_000, polling: 50 },
      )
      .then(() => Date.now());
    const elapsedMs = barsAt - openedAt;
    const chart = await page.getByTestId('time-chart').innerText();
    process.stdout.write(`vmap and pmap timed at ${stamp} ${elapsedMs} ms after the page was opened:\n${chart}\n`);
    await page.getByTestId('comparison').screenshot({ path: join(shots, 'machine-first-second.png') });
    assert.ok(elapsedMs <= FIRST_BARS_MS, `the first bars took ${elapsedMs} ms, over ${FIRST_BARS_MS} ms`);
    // Nothing was pressed: the results table keeps only what Run measures.
    assert.equal(await page.locator('[data-testid="results-table"] tbody tr').count(), 0);
  });

  it('says that Live was calibrated at launch, and how long it took', async () => {
    const status = page.getByTestId('live-status');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="live-status"]')?.getAttribute('data-calibrated') ?? 0) > 0, null, { timeout: 30_000 });
    assert.match(await status.getAttribute('title') ?? '', /calibrated .* on tiny grids in \d+ ms/);
  });
});
