// Teacher layouts, end to end, against the web shell in Debian's Chromium:
// hiding a panel, a control and a strategy takes them off the window and
// keeps them off after a reload; the presenter layout shows the surface and
// the comparison only, and its type grows with projector mode; a saved
// .vlab.json carries the layout, and opening it brings the layout back. The
// guide opens in the page, from its button and from F1. Same setup as the
// other suites: node:test and playwright-core.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLab, root, type OpenLab } from './webShell.ts';

const shots = join(root, 'e2e', 'screenshots');
const MEMORY_CAP = 600 * 1024 * 1024;

let lab: OpenLab | undefined;
let page: Page;
let workDir: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

async function openLayoutEditor(): Promise<void> {
  if (!(await page.getByTestId('layout-editor').isVisible())) await page.getByTestId('layout').click();
  await page.getByTestId('layout-editor').waitFor();
}

const fontSize = (testId: string) =>
  page.getByTestId(testId).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

before(async () => {
  await mkdir(shots, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), 'vlab-e2e-layout-files-'));
  lab = await openLab({ dataDirPrefix: 'vlab-e2e-layout-', memoryCapBytes: MEMORY_CAP });
  ({ page } = lab);
  await page.getByTestId('run').waitFor({ timeout: 60_000 });
});

after(async () => {
  await lab?.close(workDir);
});

describe('teacher layouts in the web shell', { concurrency: false }, () => {
  it('hides a panel, a control and a strategy, and keeps them hidden after a reload', async () => {
    await page.getByTestId('panel-comparison').waitFor();
    const surfaceWidthBefore = await page
      .getByTestId('panel-surface')
      .evaluate((el) => el.getBoundingClientRect().width);
    await openLayoutEditor();
    await page.getByTestId('layout-panel-comparison').uncheck();
    await page.getByTestId('layout-control-formula').uncheck();
    await page.getByTestId('layout-strategy-loops').uncheck();
    await page.getByTestId('panel-comparison').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('formula').count(), 0, 'the formula box is hidden');
    assert.equal(await page.getByTestId('toggle-loops').count(), 0, 'loops is not among the strategies');
    assert.ok((await page.getByTestId('toggle-vmap').count()) > 0, 'vmap still is');
    // The surface takes the room the comparison left.
    const surfaceWidthAfter = await page
      .getByTestId('panel-surface')
      .evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(surfaceWidthAfter > surfaceWidthBefore * 1.5, `surface ${surfaceWidthBefore} → ${surfaceWidthAfter} px`);
    await shot('layout-hidden-comparison');
    await page.getByTestId('layout-done').click();

    // The app remembers its layout as it remembers its settings.
    await page.waitForTimeout(1000);
    await page.reload();
    await page.getByTestId('run').waitFor({ timeout: 60_000 });
    await page.getByTestId('panel-surface').waitFor();
    await page.waitForTimeout(500);
    assert.equal(
      await page.getByTestId('panel-comparison').count(),
      0,
      'the comparison is still hidden after a reload',
    );
    assert.equal(await page.getByTestId('formula').count(), 0);
    assert.equal(await page.getByTestId('toggle-loops').count(), 0);
  });

  it('the presenter layout shows the surface and the comparison only, and its type follows projector mode', async () => {
    await openLayoutEditor();
    await page.getByTestId('layout-show-all').click();
    await page.getByTestId('panel-comparison').waitFor();
    // A click, not check(): the editor goes away with the header as the presenter layout comes.
    await page.getByTestId('layout-presenter').click();
    await page.getByTestId('presenter-bar').waitFor();
    for (const hidden of ['panel-controls', 'panel-lower', 'layout-editor', 'machine']) {
      assert.equal(await page.getByTestId(hidden).count(), 0, `${hidden} is not in the presenter layout`);
    }
    await page.getByTestId('panel-surface').waitFor();
    await page.getByTestId('panel-comparison').waitFor();

    // Run from the presenter bar: the comparison fills in.
    await page.getByTestId('presenter-run').click();
    await page.getByTestId('presenter-run').waitFor({ timeout: 180_000 });
    const normal = await fontSize('panel-comparison');
    await page.getByTestId('presenter-projector').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('projector'));
    const large = await fontSize('panel-comparison');
    assert.ok(large >= normal * 1.2, `projector type ${large}px against ${normal}px`);
    await shot('layout-presenter-projector');
    await page.getByTestId('presenter-projector').click();

    // The keyboard leaves it too (the web shell's stand-in for View ▸ Presenter Layout).
    await page.keyboard.press('Control+Shift+L');
    await page.getByTestId('panel-controls').waitFor();
    assert.equal(await page.getByTestId('presenter-bar').count(), 0);
  });

  it('a saved .vlab.json carries the layout, and opening it brings the layout back', async () => {
    await openLayoutEditor();
    await page.getByTestId('layout-tab-graph').uncheck();
    // A click, not check(): the editor goes away with the header as the presenter layout comes.
    await page.getByTestId('layout-presenter').click();
    await page.getByTestId('presenter-bar').waitFor();
    await page.getByTestId('presenter-leave').click();
    await page.getByRole('tab', { name: 'The lesson' }).click();
    const [file] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('settings-save').click(),
    ]);
    const text = await readFile(await file.path(), 'utf8');
    const saved = JSON.parse(text) as { layout: { hidden: string[]; hiddenStrategies: string[]; presenter: boolean } };
    assert.deepEqual(saved.layout, { hidden: ['tab:graph'], hiddenStrategies: [], presenter: false });

    // A class's file: the lower panel and loops hidden, the presenter layout on.
    const classFile = join(workDir, 'class.vlab.json');
    await writeFile(
      classFile,
      JSON.stringify({
        ...JSON.parse(text),
        layout: { hidden: ['control:repeats'], hiddenStrategies: ['loops'], presenter: true },
      }),
    );
    await page.getByTestId('settings-file').setInputFiles(classFile);
    await page.getByTestId('presenter-bar').waitFor();
    await page.getByTestId('presenter-leave').click();
    await page.getByTestId('panel-controls').waitFor();
    assert.equal(await page.getByTestId('repeats').count(), 0, 'repeats is hidden, as the file says');
    assert.equal(await page.getByTestId('toggle-loops').count(), 0, 'loops is hidden, as the file says');
    assert.ok(
      (await page.getByTestId('tab-graph').count()) > 0,
      'the traced graph tab is back: the file does not hide it',
    );
  });

  it('opens the bundled guide in the page, from its button and from F1, and Escape closes it', async () => {
    // The desktop's own conventions mean nothing here, and the page shows none of them.
    assert.doesNotMatch(await page.locator('body').innerText(), /Open Recent|About Vectorization Lab|Open…/);
    await page.getByTestId('open-guide').click();
    const guide = page.getByTestId('guide');
    await guide.waitFor({ state: 'visible' });
    const text = await guide.innerText();
    assert.match(text, /Your first run/);
    assert.match(text, /Keyboard shortcuts/);
    await shot('guide');
    await page.keyboard.press('Escape');
    await guide.waitFor({ state: 'hidden' });
    await page.keyboard.press('F1');
    await guide.waitFor({ state: 'visible' });
    await page.getByTestId('guide-close').click();
    await guide.waitFor({ state: 'hidden' });
  });
});
