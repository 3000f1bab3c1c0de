// A newcomer's session, end to end, against the web shell in Debian's
// Chromium: the app opens, the slider moves, every available strategy runs,
// the comparison and the match-the-reference checks show, the surface is
// drawn (its pixels are read), hovering reads a value, CSV exports parse, a
// bad formula is flagged at its position, a too-large grid is guarded, and a
// long loops run is cancelled while the UI keeps answering. Screenshots of
// the main views go to e2e/screenshots/. Where Electron's binary is
// installed, the desktop app is opened through Playwright's _electron too.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type Page } from 'playwright-core';
import { waitForSurface } from './canvasPixels.ts';
import { parseCsv } from './csv.ts';
import { APP_GRID_LIMITS } from '../compute/limits.ts';
import { openLab, root, type OpenLab } from './webShell.ts';

const shots = join(root, 'e2e', 'screenshots');
/** Small enough that float64 grids of 20000² are refused on any machine, large enough for every run here. */
const MEMORY_CAP = 2_000_000_000;
const LESSON_F = 'cos(x^2 + y^2) / (1 + x^2 + y^2)';

let lab: OpenLab | undefined;
let page: Page;
let available: string[] = [];
/** The strategies that produced a record in the full run (an available one may still fail, and says why). */
let ran: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Moves the log slider as a drag would: the input event, at a position. */
async function slide(position: number): Promise<void> {
  await page.getByTestId('n-slider').evaluate((input, value) => {
    const slider = input as HTMLInputElement;
    slider.value = String(value);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }, position);
}

async function setN(n: number): Promise<void> {
  const exact = page.getByTestId('n-exact');
  await exact.fill(String(n));
  await exact.press('Enter');
  await page
    .getByTestId('n-value')
    .filter({ hasText: n.toLocaleString('en-US') })
    .waitFor();
}

async function waitForIdle(timeout = 90_000): Promise<void> {
  await page.getByTestId('run').waitFor({ timeout });
}

async function download(testId: string): Promise<string> {
  return (await downloadBytes(testId)).toString('utf8');
}

async function downloadBytes(testId: string): Promise<Buffer> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByTestId(testId).click(),
  ]);
  return readFile(await file.path());
}

before(async () => {
  await mkdir(shots, { recursive: true });
  lab = await openLab({ dataDirPrefix: 'vlab-e2e-', memoryCapBytes: MEMORY_CAP });
  ({ page } = lab);
});

after(async () => {
  await lab?.close();
});

describe('a newcomer’s session in the web shell', { concurrency: false }, () => {
  it('opens the app with the lesson’s function, a surface and the strategies', async () => {
    await page.getByTestId('surface-canvas').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('formula').inputValue(), LESSON_F);
    await page.getByText('grid computed by').or(page.getByText('preview at the drawn points')).first().waitFor();
    const toggles = page.locator('[data-testid^=toggle-]');
    const names = await toggles.evaluateAll((labels) =>
      labels.map((label) => ({
        name: label.getAttribute('data-testid')!.slice('toggle-'.length),
        enabled: !label.querySelector('input')!.disabled,
      })),
    );
    available = names.filter((t) => t.enabled).map((t) => t.name);
    // This suite follows the Run button; e2e/live.e2e.ts follows the Live switch, which is on by default.
    await page.getByTestId('live-toggle').uncheck();
    for (const strategy of ['loops', 'naive', 'meshgrid', 'meshgrid-eager', 'vmap'])
      assert.ok(available.includes(strategy), `${strategy} is available`);
    // The controls stop where the app's validators do: both read compute/limits.ts (through AppInfo here).
    assert.equal(await page.getByTestId('repeats').getAttribute('max'), String(APP_GRID_LIMITS.repeatsMax));
    assert.equal(await page.getByTestId('formula').getAttribute('maxlength'), String(APP_GRID_LIMITS.formulaMaxLength));
    await waitForSurface(page, 15_000);
    await shot('01-start');
  });

  it('runs the page under its CSP: no eval, no inline script, nothing fetched from elsewhere', async () => {
    // Sent as text: the test runner's transform would add helpers the page does not have. DevTools'
    // own evaluation may eval, so the page's eval is tried from a timer, which runs as the page.
    const outcome = (await page.evaluate(`(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      setTimeout('window.__evalRan = true', 0);
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      const fetched = await fetch('https://example.org/').then(() => 'fetched', () => 'refused');
      await new Promise((resolve) => setTimeout(resolve, 200));
      script.remove();
      return { evalRan: window.__evalRan === true, inlineRan: window.__inlineRan === true, fetched, violations };
    })()`)) as { evalRan: boolean; inlineRan: boolean; fetched: string; violations: string[] };
    assert.equal(outcome.evalRan, false, 'a string handed to setTimeout is eval: refused');
    assert.equal(outcome.inlineRan, false, 'an inline script is refused');
    assert.equal(outcome.fetched, 'refused');
    for (const directive of ['script-src', 'script-src-elem', 'connect-src']) {
      assert.ok(
        outcome.violations.includes(directive),
        `a ${directive} violation was reported: ${outcome.violations.join(', ')}`,
      );
    }
  });

  it('moves the grid-size slider on a log scale', async () => {
    await slide(0);
    await page.getByTestId('n-value').filter({ hasText: /^10$/ }).waitFor();
    await slide(500);
    const n = Number((await page.getByTestId('n-value').innerText()).replace(/,/g, ''));
    assert.ok(n > 300 && n < 600, `the slider's middle is about √(10·20000) ≈ 447, got ${n}`);
    await page.getByText(`f(x, y) on the ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')} grid`).waitFor();
  });

  it('runs every available strategy and shows the comparison with the allclose checks', async () => {
    await setN(300);
    for (const strategy of available) {
      const box = page.getByTestId(`toggle-${strategy}`).locator('input');
      if (!(await box.isChecked())) await box.check();
    }
    await page.getByTestId('run').click();
    await page.getByTestId('cancel').waitFor();
    await waitForIdle();
    const rows = page.getByTestId('time-chart').locator('[data-strategy]');
    ran = await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-strategy')!));
    const failed = await page
      .locator('[data-testid=failures] li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-strategy')!));
    for (const strategy of ['loops', 'naive', 'meshgrid', 'meshgrid-eager', 'vmap'])
      assert.ok(ran.includes(strategy), `${strategy} ran`);
    // Every available strategy either ran or says why it did not.
    assert.deepEqual([...ran, ...failed].sort(), [...available].sort());
    if (failed.length) process.stdout.write(`note: ${await page.getByTestId('failures').innerText()}\n`);
    for (const strategy of ran) {
      const ok = await page.getByTestId(`check-${strategy}`).getAttribute('data-ok');
      // The naive strategy has the wrong shape on purpose; every other grid matches the reference.
      assert.equal(ok, strategy === 'naive' ? 'false' : 'true', `${strategy}'s allclose check`);
    }
    await page.getByTestId('memory-chart').waitFor();
    assert.equal(
      await page.getByTestId('comparison-stale').count(),
      0,
      'bars of the current settings are not marked stale',
    );
    const table = page.getByTestId('results-table');
    assert.equal(await table.locator('tbody tr').count(), ran.length + 1, 'one row per strategy and the floor');
    await waitForSurface(page, 15_000);
    await shot('02-comparison');
    await table.scrollIntoViewIfNeeded();
    await shot('03-results-table');
  });

  it('shows the same figures as `vlab run` on the same settings', async () => {
    const json = execFileSync(
      process.execPath,
      ['bin/vlab.js', 'run', '--n', '300', '--strategies', 'meshgrid,vmap', '--repeats', '1', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, VLAB_MEMORY_CAP: String(MEMORY_CAP) },
      },
    );
    const cli = (
      JSON.parse(json) as {
        records: { strategy: string; peakBytes: number; predictedBytes: number; shape: number[] }[];
      }
    ).records;
    const csv = parseCsv(await download('export-results'));
    const header = csv[0]!;
    for (const record of cli) {
      const row = csv.find((r) => r[header.indexOf('strategy')] === record.strategy)!;
      assert.equal(
        Number(row[header.indexOf('predicted_bytes')]),
        record.predictedBytes,
        `${record.strategy} predicted bytes`,
      );
      assert.equal(Number(row[header.indexOf('peak_bytes')]), record.peakBytes, `${record.strategy} peak bytes`);
      assert.equal(row[header.indexOf('shape')], record.shape.join('x'));
    }
  });

  it('draws the surface (its pixels are not blank) and reads f under the pointer', async () => {
    const inked = await waitForSurface(page, 15_000);
    assert.ok(inked > 0.1, `the surface covers ${Math.round(inked * 100)}% of the canvas`);
    const canvas = page.getByTestId('surface-canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.55);
    const readout = page.getByTestId('readout');
    await readout.filter({ hasText: 'f =' }).waitFor();
    const match = /x = (\S+), y = (\S+), f = (\S+)/.exec(await readout.innerText());
    assert.ok(match, 'the readout shows x, y and f');
    const [x, y, f] = match.slice(1).map(Number) as [number, number, number];
    const expected = Math.cos(x * x + y * y) / (1 + x * x + y * y);
    assert.ok(Math.abs(f - expected) < 1e-4, `f(${x}, ${y}) = ${f}, expected ${expected}`);
    await canvas.screenshot({ path: join(shots, '04-surface-hover.png') });
  });

  it('exports the surface as a PNG image', async () => {
    const [file] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('export-png').click(),
    ]);
    assert.match(file.suggestedFilename(), /^vlab-surface-.*\.png$/);
    const bytes = await readFile(await file.path());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.byteLength > 10_000, `a drawn surface, not an empty image (${bytes.byteLength} bytes)`);
  });

  it('exports the results as CSV, JSON and Markdown and the grid as .npy and CSV, each of which reads back', async () => {
    const results = parseCsv(await download('export-results'));
    const header = results[0]!;
    for (const column of [
      'strategy',
      'n',
      'median_ms',
      'peak_bytes',
      'predicted_bytes',
      'max_abs_err',
      'allclose',
      'cpu_model',
      'cpu_cores',
      'gpu_adapter',
      'os',
      'app_version',
    ]) {
      assert.ok(header.includes(column), `results CSV has ${column}`);
    }
    const body = results.slice(1).filter((row) => row.length > 1);
    assert.equal(body.length, ran.length + 1);
    for (const row of body) assert.equal(row.length, header.length);

    const json = JSON.parse(await download('export-results-json')) as {
      version: string;
      machine: { cores: number };
      records: { strategy: string; samplesMs: number[]; noisy: boolean }[];
      limits: unknown[];
    };
    assert.equal(json.records.length, ran.length, 'the JSON holds one record per strategy, the floor apart');
    assert.equal(json.limits.length, 1);
    assert.ok(
      json.machine.cores > 0 && /^\d+\.\d+\.\d+/.test(json.version),
      'the JSON says where and with which version',
    );
    for (const r of json.records)
      assert.ok(r.samplesMs.length >= 1 && typeof r.noisy === 'boolean', `${r.strategy} keeps its samples`);
    const markdown = (await download('export-results-markdown')).split('\n').filter((l) => l.startsWith('|'));
    assert.match(markdown[0]!, /^\| Strategy \| n \| dtype \|/);
    assert.match(markdown[1]!, /^\|(:?-{3,}:?\|)+$/);
    assert.equal(markdown.length, 2 + ran.length + 1, 'a Markdown row per run, the floor included');

    await setN(80);
    const npy = await downloadBytes('export-grid-npy');
    assert.equal(npy.subarray(0, 6).toString('latin1'), '\x93NUMPY');
    assert.match(npy.subarray(10, 10 + npy.readUInt16LE(8)).toString('latin1'), /'shape': \(80, 80\)/);
    assert.equal(npy.length, 10 + npy.readUInt16LE(8) + 80 * 80 * 4, 'float32 values after the header');
    const grid = parseCsv(await download('export-grid'));
    assert.deepEqual(grid[0], ['x', 'y', 'f']);
    const points = grid.slice(1).filter((row) => row.length === 3);
    assert.equal(points.length, 80 * 80);
    const [x, y, f] = points[4321]!.map(Number) as [number, number, number];
    assert.ok(Math.abs(f - Math.cos(x * x + y * y) / (1 + x * x + y * y)) < 1e-6, `grid value f(${x}, ${y}) = ${f}`);
    assert.deepEqual(points[0]!.slice(0, 2).map(Number), [-2, -2]);
    assert.deepEqual(points[points.length - 1]!.slice(0, 2).map(Number), [2, 2]);
  });

  it('counts NaN and ±inf, explains allclose with equal_nan off, and writes them to CSV as nan, inf and -inf', async () => {
    const formula = page.getByTestId('formula');
    // log(0) = -inf, log of a negative = NaN, 1/0 = +inf, -inf + inf = NaN.
    await formula.fill('log(x) + 1/y');
    await page.getByTestId('formula-error').waitFor({ state: 'detached' });
    await setN(21);
    await page.getByTestId('run').click();
    await waitForIdle();
    const check = page.getByTestId('check-vmap');
    assert.equal(await check.getAttribute('data-ok'), 'false');
    assert.match((await check.getAttribute('title')) ?? '', /equal_nan=False/);
    assert.match((await check.getAttribute('title')) ?? '', /every NaN and ±inf is where the reference has one/);
    const note = await page.getByTestId('non-finite-note').innerText();
    const grid = parseCsv(await download('export-grid'));
    const f = grid
      .slice(1)
      .filter((row) => row.length === 3)
      .map((row) => row[2]!);
    const count = (text: string) => f.filter((v) => v === text).length;
    assert.ok(count('nan') > 0 && count('inf') > 0 && count('-inf') > 0, 'the grid has all three kinds');
    assert.ok(
      note.includes(`${count('nan')} NaN, ${count('inf')} +inf, ${count('-inf')} −inf`),
      `the note counts what the CSV holds: ${note}`,
    );
    await shot('04b-non-finite');
    await formula.fill(LESSON_F);
    await page.getByTestId('formula-error').waitFor({ state: 'detached' });
  });

  it('shows f as the engine traces it for each strategy, following n, and the kernel it lowers to', async () => {
    await page.getByTestId('tab-graph').click();
    const vmapGraph = page.getByTestId('traced-vmap').locator('pre');
    await vmapGraph.filter({ hasText: 'a:f32[21] b:f32[21]' }).waitFor();
    assert.match(
      await page.getByTestId('traced-loops').locator('pre').innerText(),
      /^\{ lambda ; a:f32\[\] b:f32\[\]\. let/,
    );
    await setN(300);
    await vmapGraph.filter({ hasText: 'f32[300,300] = div' }).waitFor();
    assert.match(await vmapGraph.innerText(), /broadcast_in_dim/);
    assert.match(
      await page.getByTestId('traced-meshgrid').locator('pre').innerText(),
      /a:f32\[300,300\] b:f32\[300,300\]/,
    );
    // The comparison still shows the log(x) run, and says so now that the settings have moved on.
    assert.match(await page.getByTestId('comparison-stale').innerText(), /log\(x\) \+ 1\/y/);
    await page.getByTestId('traced-native').locator('summary').click();
    const native = await page.getByTestId('traced-native').innerText();
    assert.match(native, available.includes('pmap') ? /d2 +r\d+ = COS/ : /not loaded/);
    await shot('04c-traced-graph');
    await page.getByRole('tab', { name: /^Results/ }).click();
  });

  it('shows a bad formula’s error at its position', async () => {
    const formula = page.getByTestId('formula');
    const bad = 'cos(x^2 + y^2) / (1 + x $ y)';
    await formula.fill(bad);
    const error = page.getByTestId('formula-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-position'), String(bad.indexOf('$')));
    assert.equal(await error.locator('mark').innerText(), '$');
    assert.equal(await page.getByTestId('run').isDisabled(), true);
    await shot('05-formula-error');
    await formula.fill(LESSON_F);
    await error.waitFor({ state: 'detached' });
  });

  it('guards a grid too large for memory before running', async () => {
    await page.getByTestId('dtype-float64').click();
    await setN(20000);
    const guard = page.getByTestId('guard');
    await guard.waitFor();
    const text = await guard.innerText();
    assert.match(text, /vmap/);
    assert.match(text, /needs \d+(\.\d+)? GiB/);
    await shot('06-memory-guard');
    await page.getByTestId('dtype-float32').click();
  });

  it('keeps answering during a long loops run, and cancels it', async () => {
    await setN(6000);
    for (const strategy of available) {
      const box = page.getByTestId(`toggle-${strategy}`).locator('input');
      if ((await box.isChecked()) !== (strategy === 'loops')) await box.setChecked(strategy === 'loops');
    }
    await page.getByTestId('run').click();
    const progress = page.getByTestId('progress');
    await progress.filter({ hasText: 'loops' }).waitFor({ timeout: 30_000 });
    await shot('07-long-run');
    // The UI answers while the engine works: the formula is still checked, the view still resets.
    const started = Date.now();
    await page.getByTestId('formula').fill('sin(x) * cos(');
    await page.getByTestId('formula-error').waitFor({ timeout: 10_000 });
    assert.ok(Date.now() - started < 10_000);
    await page.getByTestId('formula').fill(LESSON_F);
    await page.getByTestId('reset-view').click();
    assert.ok(await page.getByTestId('cancel').isVisible(), 'the run is still going');
    await page.getByTestId('cancel').click();
    await waitForIdle(30_000);
    await page.getByTestId('cancelled').waitFor();
    await page.getByTestId('failures').filter({ hasText: 'cancelled' }).waitFor();
  });

  it('shows the lesson, and reads on a projector', async () => {
    await page.getByRole('tab', { name: 'The lesson' }).click();
    await page.getByTestId('lesson').scrollIntoViewIfNeeded();
    await shot('08-lesson');
    await page.getByRole('tab', { name: /Results/ }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await setN(1000);
    await page.getByTestId('projector').click();
    const size = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
    assert.ok(parseFloat(size) >= 18, `projector type is ${size}`);
    await page.waitForTimeout(300);
    await waitForSurface(page, 15_000);
    await shot('09-projector');
    await page.getByTestId('comparison').scrollIntoViewIfNeeded();
    await shot('10-projector-comparison');
    await page.getByTestId('projector').click();
  });
});

/** Electron's binary, where its download succeeded at install; null elsewhere (offline installs, CI). */
function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();

describe(
  'the desktop app (Electron)',
  {
    concurrency: false,
    skip: electron
      ? false
      : 'no Electron binary here (its download needs the internet); the web shell runs the same renderer and engine',
  },
  () => {
    it('opens one locked-down window that runs the lesson', async () => {
      execFileSync(process.execPath, ['main/build.mjs'], { cwd: root, stdio: 'ignore' });
      const electronData = await mkdtemp(join(tmpdir(), 'vlab-e2e-electron-'));
      const app = await _electron.launch({
        executablePath: electron!,
        args: [root, '--no-sandbox'],
        env: { ...process.env, VLAB_DATA_DIR: electronData, VLAB_MEMORY_CAP: String(MEMORY_CAP) } as Record<
          string,
          string
        >,
      });
      try {
        const win = await app.firstWindow();
        await win.getByTestId('surface-canvas').waitFor({ timeout: 60_000 });
        // The page has the contract and nothing of Node.
        assert.equal(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
        assert.equal(
          await win.evaluate(() => typeof (globalThis as { vlab?: { invoke?: unknown } }).vlab?.invoke),
          'function',
        );
        assert.match(await win.getByTestId('machine').innerText(), /desktop app/);
        await win.getByTestId('preset-80').click();
        await win.getByTestId('run').click();
        await win.getByTestId('time-chart').waitFor({ timeout: 60_000 });
        await win.getByTestId('run').waitFor({ timeout: 90_000 });
        assert.equal(await win.getByTestId('check-vmap').getAttribute('data-ok'), 'true');
        await win.screenshot({ path: join(shots, '11-electron.png') });
        assert.equal(app.windows().length, 1);
      } finally {
        await app.close();
        await rm(electronData, { recursive: true, force: true });
      }
    });
  },
);
