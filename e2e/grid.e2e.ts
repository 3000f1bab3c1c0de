// Rectangular grids and the domain, end to end, against the web shell in
// Debian's Chromium (issue 14, items 2 and 3): with the sliders unlinked,
// nx = 300 and ny = 200 give vmap the shape (300, 200) and naive JAX's shape
// error, shown as the lesson's wrong answer; the lesson's meshgrid step shows
// indexing='xy' giving (200, 300); a change of domain moves the surface's
// axis labels. Same setup as app.e2e.ts: node:test and playwright-core.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLab, root, type OpenLab } from './webShell.ts';

const shots = join(root, 'e2e', 'screenshots');
const MEMORY_CAP = 2_000_000_000;
const SHAPE_ERROR = 'add got incompatible shapes for broadcasting: (300,), (200,).';

let lab: OpenLab;
let page: Page;

async function exact(testId: string, value: number | string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(String(value));
  await input.press('Enter');
}

async function tickOnly(strategies: string[]): Promise<void> {
  const names = await page
    .locator('[data-testid^=toggle-]')
    .evaluateAll((labels) => labels.map((label) => label.getAttribute('data-testid')!.slice('toggle-'.length)));
  for (const name of names) {
    const box = page.getByTestId(`toggle-${name}`).locator('input');
    if (await box.isDisabled()) continue;
    if (strategies.includes(name)) await box.check();
    else await box.uncheck();
  }
}

async function axisTicks(axis: 'x' | 'y'): Promise<string> {
  return (await page.getByTestId('surface-axes').getAttribute(`data-${axis}-ticks`)) ?? '';
}

before(async () => {
  await mkdir(shots, { recursive: true });
  lab = await openLab({ dataDirPrefix: 'vlab-e2e-grid-', memoryCapBytes: MEMORY_CAP });
  ({ page } = lab);
  await page.getByTestId('run').waitFor({ timeout: 60_000 });
  await page.getByTestId('surface-canvas').waitFor();
});

after(async () => {
  await lab?.close();
});

describe('rectangular grids and the domain in the web shell', { concurrency: false }, () => {
  it('links nx and ny by default, and the lock unlinks them', async () => {
    const lock = page.getByTestId('grid-lock');
    assert.equal(await lock.getAttribute('aria-pressed'), 'true');
    await exact('n-exact', 250);
    await page.getByTestId('n-value').filter({ hasText: /^250$/ }).waitFor();
    assert.equal(await page.getByTestId('ny-exact').inputValue(), '250', 'ny follows nx while linked');
    await lock.click();
    assert.equal(await lock.getAttribute('aria-pressed'), 'false');
    await exact('n-exact', 300);
    await exact('ny-exact', 200);
    await page.getByTestId('n-value').filter({ hasText: '300 × 200' }).waitFor();
    await page.getByText('f(x, y) on the 300 × 200 grid').waitFor({ timeout: 15_000 });
  });

  it("nx = 300, ny = 200: vmap gives shape (300, 200), naive JAX's shape error", async () => {
    await tickOnly(['naive', 'vmap']);
    await page.getByTestId('run').click();
    await page
      .getByTestId('cancel')
      .waitFor()
      .catch(() => {});
    await page.getByTestId('run').waitFor({ timeout: 90_000 });

    const table = page.getByTestId('results-table');
    const row = (strategy: string) =>
      table.locator('tbody tr').filter({ has: page.locator('td.mono', { hasText: new RegExp(`^${strategy}$`) }) });
    await row('vmap').waitFor();
    assert.match(await row('vmap').innerText(), /300 × 200[\s\S]*\[300, 200\]/);
    assert.match(await row('naive').innerText(), /shape error/);

    const naive = page.getByTestId('shape-errors').locator('li[data-strategy=naive]');
    await naive.waitFor();
    assert.match(
      await naive.innerText(),
      new RegExp(`wrong answer: TypeError: ${SHAPE_ERROR.replace(/[()[\].]/g, '\\$&')}`),
    );
    assert.equal(await page.getByTestId('check-vmap').getAttribute('data-ok'), 'true');
    // naive computed nothing: it has no time bar, only the line that says why.
    assert.deepEqual(
      await page
        .getByTestId('time-chart')
        .locator('[data-strategy]')
        .evaluateAll((r) => r.map((e) => e.getAttribute('data-strategy'))),
      ['vmap'],
    );
    await page.getByText('grid computed by vmap').waitFor();
    await page.screenshot({ path: join(shots, 'grid-300x200.png') });
  });

  it("the lesson shows naive's shape error and meshgrid 'xy' giving (200, 300) against the loop's (300, 200)", async () => {
    await page.getByRole('tab', { name: 'The lesson' }).click();
    await page.getByTestId('classroom').waitFor();
    for (const [index, id, expected] of [
      [1, 'naive', `On your 300 × 200 grid it fails outright, as JAX does: TypeError: ${SHAPE_ERROR}`],
      [
        2,
        'meshgrid',
        "On your 300 × 200 grid, meshgrid(x, y) with the default indexing='xy' gives shape (200, 300), against the loop's (300, 200)",
      ],
    ] as const) {
      await page.getByTestId('lesson-jump').selectOption({ index });
      await page.locator(`[data-testid=lesson][data-step=${id}]`).waitFor();
      await page.getByTestId('lesson-run').click();
      const figures = page.locator(
        `[data-testid=lesson][data-step=${id}] [data-testid=lesson-figures][data-ready=yes]`,
      );
      await figures.waitFor({ timeout: 120_000 });
      const sentences = (await figures.getByTestId('lesson-sentence').allInnerTexts()).join('\n');
      assert.ok(sentences.includes(expected), `step ${id}: ${sentences}`);
    }
    await page.screenshot({ path: join(shots, 'grid-lesson-meshgrid-xy.png') });
    await page.getByTestId('tab-results').click();
  });

  it("moves the axes' labels with the domain", async () => {
    await page.getByTestId('surface-axes').waitFor({ state: 'attached' });
    const before = { x: await axisTicks('x'), y: await axisTicks('y') };
    assert.match(before.x, /^-2 .* 2$/, `x ticks over [-2, 2]: ${before.x}`);
    await exact('x-min', 0);
    await exact('x-max', 10);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=surface-axes]')?.getAttribute('data-x-ticks')?.endsWith(' 10') === true,
      null,
      { timeout: 15_000 },
    );
    const after = { x: await axisTicks('x'), y: await axisTicks('y') };
    assert.match(after.x, /^0 .* 10$/, `x ticks over [0, 10]: ${after.x}`);
    assert.equal(after.y, before.y, 'y keeps its domain and its labels');
    assert.match(await page.getByTestId('surface-axes').innerText(), /x from 0 to 10/);

    // A range that does not increase is refused where it is typed, and the grid keeps its domain.
    await exact('y-min', 5);
    await page
      .getByTestId('domain-error')
      .filter({ hasText: 'y must run from a smaller number to a larger one' })
      .waitFor();
    assert.equal(await axisTicks('y'), before.y);
    await page.screenshot({ path: join(shots, 'grid-domain-0-10.png') });
  });
});
