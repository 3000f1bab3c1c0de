// The surface plot, end to end, against the web shell in Debian's Chromium
// (WebGL on SwiftShader): its canvas follows the theme (dark included),
// contours and a second colormap change what is drawn (pixels are compared,
// not only files written), the colour bar follows the map with 1-2-5 ticks,
// wireframe and z-scale redraw it, and the keyboard orbits it. Its code
// (three.js) is a chunk of its own: held back, the controls come without it,
// the surface says it is loading and a PNG asked for meanwhile follows it;
// refused, the surface says so in words. Screenshots of each look go to
// e2e/screenshots/surface-*.png, which are committed.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { canvasPixels, drawn, inkedRows, surfaceCanvas, waitForSurface, type Pixels } from './canvasPixels.ts';
import { openLab, root, type OpenLab } from './webShell.ts';

const shots = join(root, 'e2e', 'screenshots');

let lab: OpenLab | undefined;
let page: Page;

/** The fraction of pixels whose colour differs by more than `threshold` in some channel. */
function changed(a: Pixels, b: Pixels, threshold = 24): number {
  assert.equal(a.data.length, b.data.length, 'both frames have the same size');
  let count = 0;
  for (let k = 0; k < a.data.length; k += 4) {
    if (
      Math.abs(a.data[k]! - b.data[k]!) > threshold ||
      Math.abs(a.data[k + 1]! - b.data[k + 1]!) > threshold ||
      Math.abs(a.data[k + 2]! - b.data[k + 2]!) > threshold
    )
      count++;
  }
  return count / (a.data.length / 4);
}

/** Mean luminance (0..255) of the pixels in a corner square of the canvas: the background, away from the plot. */
function cornerLuminance(p: Pixels, size = 12): number {
  let sum = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const k = (y * p.width + x) * 4;
      sum += 0.2126 * p.data[k]! + 0.7152 * p.data[k + 1]! + 0.0722 * p.data[k + 2]!;
    }
  }
  return sum / (size * size);
}

/** The fraction of pixels darker than `level` in luminance. */
function darkFraction(p: Pixels, level = 80): number {
  let dark = 0;
  for (let k = 0; k < p.data.length; k += 4)
    if (0.2126 * p.data[k]! + 0.7152 * p.data[k + 1]! + 0.0722 * p.data[k + 2]! < level) dark++;
  return dark / (p.data.length / 4);
}

async function colorbarPixels(): Promise<Pixels> {
  return canvasPixels(page.getByTestId('colorbar').locator('canvas'));
}

async function colorbarTicks(): Promise<string[]> {
  return page.getByTestId('colorbar').locator('.labels span').allInnerTexts();
}

async function surfaceShot(name: string): Promise<void> {
  await drawn(page);
  await page.locator('.panel.surface').screenshot({ path: join(shots, `surface-${name}.png`) });
}

async function setTheme(theme: 'light' | 'dark' | 'system'): Promise<void> {
  await page.getByRole('tab', { name: 'The lesson' }).click();
  await page.getByTestId('theme').selectOption(theme);
  await drawn(page);
}

/** Waits until the surface has been drawn into the canvas (the engine's preview has arrived). */
async function surfaceDrawn(): Promise<void> {
  assert.ok((await waitForSurface(page, 30_000)) > 0.1, 'the surface was drawn within 30 s');
}

/** The surface canvas's pixels, RGBA. */
async function surfacePixels(): Promise<Pixels> {
  return canvasPixels(surfaceCanvas(page));
}

before(async () => {
  await mkdir(shots, { recursive: true });
  lab = await openLab({ dataDirPrefix: 'vlab-surface-e2e-', memoryCapBytes: 2_000_000_000 });
  ({ page } = lab);
  await page.getByTestId('surface-canvas').waitFor({ timeout: 60_000 });
  await page.evaluate(() => document.fonts.ready);
  await surfaceDrawn();
});

after(async () => {
  await lab?.close();
});

describe('the surface plot', { concurrency: false }, () => {
  it('draws on a white canvas in the light theme and a dark one in the dark theme', async () => {
    await setTheme('light');
    const light = await surfacePixels();
    assert.ok(cornerLuminance(light) > 235, `light background luminance ${cornerLuminance(light).toFixed(0)}`);
    await surfaceShot('light');
    await setTheme('dark');
    const dark = await surfacePixels();
    assert.ok(cornerLuminance(dark) < 50, `dark background luminance ${cornerLuminance(dark).toFixed(0)}`);
    assert.ok(darkFraction(dark) > 0.5, `${Math.round(darkFraction(dark) * 100)}% of the dark canvas is dark`);
    assert.ok(darkFraction(light) < 0.3, `${Math.round(darkFraction(light) * 100)}% of the light canvas is dark`);
    // The labels follow too: the light theme's dark ink would vanish here, so some pixels are light.
    assert.ok(changed(light, dark) > 0.5, 'the whole background changed');
    await surfaceShot('dark');
    // Projector mode keeps the theme's background and enlarges the labels.
    await page.getByTestId('projector').click();
    await drawn(page);
    assert.ok(cornerLuminance(await surfacePixels()) < 50, 'projector mode in the dark theme stays dark');
    await surfaceShot('dark-projector');
    await page.getByTestId('projector').click();
    await setTheme('light');
    assert.ok(cornerLuminance(await surfacePixels()) > 235, 'back to white');
  });

  it('follows the system’s dark mode when the theme follows the system', async () => {
    await setTheme('system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await drawn(page);
    assert.ok(cornerLuminance(await surfacePixels()) < 50, 'dark system, dark canvas');
    await page.emulateMedia({ colorScheme: 'light' });
    await drawn(page);
    assert.ok(cornerLuminance(await surfacePixels()) > 235, 'light system, white canvas');
    await setTheme('light');
  });

  it('shows contour lines, on the surface and on the floor, when contours are on, with the number of levels asked', async () => {
    const plain = await surfacePixels();
    await page.getByTestId('contours').check();
    const contours = await surfacePixels();
    const withContours = changed(plain, contours);
    assert.ok(withContours > 0.01, `contours changed ${(withContours * 100).toFixed(1)}% of the pixels`);
    await surfaceShot('contours');
    await page.getByTestId('contour-levels').fill('25');
    await page.getByTestId('contour-levels').press('Enter');
    const denser = await surfacePixels();
    assert.ok(changed(contours, denser) > 0.01, 'more levels, more lines');
    await page.getByTestId('contour-levels').fill('10');
    await page.getByTestId('contour-levels').press('Enter');
    assert.ok(changed(contours, await surfacePixels()) < 0.001, '10 levels again draw the same picture');
    await page.getByTestId('contours').uncheck();
    assert.ok(changed(plain, await surfacePixels()) < 0.001, 'and off again, the plain surface');
  });

  it('recolours the surface and the colour bar with a second colormap', async () => {
    const viridis = await surfacePixels();
    const viridisBar = await colorbarPixels();
    assert.deepEqual(
      await colorbarTicks(),
      ['-0.2', '0', '0.2', '0.4', '0.6', '0.8'],
      'the lesson’s f runs from about -0.25 to 1: 1-2-5 ticks',
    );
    await surfaceShot('viridis');
    await page.getByTestId('colormap').selectOption('magma');
    const magma = await surfacePixels();
    // Measured against the pixels the surface covers: viridis and magma share dark purples at the low end.
    const surface = inkedRows(viridis).inked;
    const recoloured = changed(viridis, magma);
    assert.ok(
      recoloured > 0.25 * surface,
      `magma changed ${(recoloured * 100).toFixed(1)}% of the pixels; the plot covers ${(surface * 100).toFixed(0)}%`,
    );
    const magmaBar = await colorbarPixels();
    assert.notDeepEqual(magmaBar, viridisBar, 'the colour bar follows the map');
    await page.getByTestId('contours').check();
    await surfaceShot('magma-contours');
    await page.getByTestId('contours').uncheck();
    // The diverging map is centred on 0: its domain and its ticks are symmetric.
    await page.getByTestId('colormap').selectOption('diverging');
    const ticks = await colorbarTicks();
    assert.equal(ticks[0], `-${ticks[ticks.length - 1]}`, `symmetric ticks: ${ticks.join(', ')}`);
    assert.ok(ticks.includes('0'));
    assert.ok(changed(magma, await surfacePixels()) > 0.25 * surface);
    await surfaceShot('diverging');
    await page.getByTestId('colormap').selectOption('viridis');
    assert.ok(changed(viridis, await surfacePixels()) < 0.001, 'viridis again draws the same picture');
  });

  it('draws a wireframe instead of the filled surface', async () => {
    const filled = inkedRows(await surfacePixels());
    await page.getByTestId('wireframe').check();
    const wire = inkedRows(await surfacePixels());
    assert.ok(
      wire.inked < filled.inked * 0.9,
      `the wireframe inks ${(wire.inked * 100).toFixed(0)}% against ${(filled.inked * 100).toFixed(0)}% filled`,
    );
    await surfaceShot('wireframe');
    // The readout still reads f under the pointer: the hidden mesh is what the pointer picks.
    const box = (await page.getByTestId('surface-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.5);
    await page.getByTestId('readout').filter({ hasText: 'f =' }).waitFor({ timeout: 5_000 });
    await page.mouse.move(0, 0);
    await page.getByTestId('wireframe').uncheck();
  });

  it('stretches the box with the z-scale', async () => {
    const normal = inkedRows(await surfacePixels());
    await page.getByTestId('z-scale').fill('2');
    const tall = inkedRows(await surfacePixels());
    assert.ok(tall.top < normal.top - 20, `the top of the drawing moved from row ${normal.top} to ${tall.top}`);
    await surfaceShot('z-scale-2');
    await page.getByTestId('z-scale').fill('1');
    assert.equal(inkedRows(await surfacePixels()).top, normal.top);
  });

  it('orbits with Shift + arrow keys and comes back with Reset view', async () => {
    const start = await surfacePixels();
    await page.getByTestId('surface-canvas').focus();
    for (let k = 0; k < 6; k++) await page.keyboard.press('Shift+ArrowLeft'); // 5° each
    const turned = await surfacePixels();
    assert.ok(
      changed(start, turned) > 0.05,
      `orbiting changed ${(changed(start, turned) * 100).toFixed(1)}% of the pixels`,
    );
    await surfaceShot('orbited');
    await page.getByTestId('reset-view').click();
    assert.ok(changed(start, await surfacePixels()) < 0.001, 'reset view draws the starting picture again');
  });
  it('shows the controls before its code, says it is loading, and exports a PNG asked for meanwhile', async () => {
    const second = await page.context().newPage();
    const errors: string[] = [];
    second.on('pageerror', (error) => errors.push(error.message));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await second.route('**/assets/surfaceMount-*.js', async (route: Route) => {
      await released;
      await route.continue();
    });
    try {
      await second.goto(new URL('/', lab!.url).href);
      await second.getByTestId('n-value').waitFor({ timeout: 30_000 });
      assert.equal(await second.getByTestId('surface-loading').innerText(), 'Loading the 3D view…');
      const png = second.getByTestId('export-png');
      await second.waitForFunction(
        () => !(document.querySelector('[data-testid="export-png"]') as HTMLButtonElement).disabled,
        null,
        { timeout: 30_000 },
      );
      const download = second.waitForEvent('download', { timeout: 60_000 });
      await png.click();
      assert.match(await second.getByTestId('message').innerText(), /still loading/);
      release();
      await second.getByTestId('surface-loading').waitFor({ state: 'detached', timeout: 30_000 });
      const bytes = await readFile(await (await download).path());
      assert.ok(bytes.byteLength > 10_000, `a drawn surface, not an empty image (${bytes.byteLength} bytes)`);
      assert.deepEqual(errors, []);
    } finally {
      release();
      await second.close();
    }
  });

  it('says in words that the 3D view could not load when its code is refused', async () => {
    const second = await page.context().newPage();
    const errors: string[] = [];
    second.on('pageerror', (error) => errors.push(error.message));
    await second.route('**/assets/surfaceMount-*.js', (route: Route) => route.abort());
    try {
      await second.goto(new URL('/', lab!.url).href);
      await second.getByTestId('n-value').waitFor({ timeout: 30_000 });
      const failure = second.getByTestId('surface-failure');
      await failure.waitFor({ timeout: 30_000 });
      assert.match(await failure.innerText(), /^The 3D view could not load its code \(.+\)\. Reload the window/);
      assert.equal(await second.getByTestId('surface-loading').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await second.close();
    }
  });
});
