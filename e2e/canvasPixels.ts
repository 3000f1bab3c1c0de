// Reading what a canvas shows, for the suites that check the surface by its
// pixels: a canvas's RGBA read back in the page through a 2D copy (the
// WebGL buffer is preserved for this), the fraction of it inked (differing
// from the background in its corner, in any theme), and a wait until the
// surface has been drawn. The checks of particular looks stay in their suites.

import type { Locator, Page } from 'playwright-core';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Waits two animation frames: the scene draws on the first frame after a change. */
export async function drawn(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/** A canvas's pixels, RGBA, once the page has drawn: the surface's (WebGL) or any 2D one such as the colour bar's. */
export async function canvasPixels(canvas: Locator): Promise<Pixels> {
  await drawn(canvas.page());
  // Sent as base64: a JSON array of a million numbers takes seconds to cross.
  const { width, height, base64 } = await canvas.evaluate((element) => {
    const source = element as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const context = copy.getContext('2d')!;
    context.drawImage(source, 0, 0);
    const bytes = context.getImageData(0, 0, copy.width, copy.height).data;
    let binary = '';
    for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
    return { width: copy.width, height: copy.height, base64: btoa(binary) };
  });
  return { width, height, data: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** The surface's canvas. */
export function surfaceCanvas(page: Page): Locator {
  return page.getByTestId('surface-canvas');
}

/** The rows (top, bottom) between which pixels differ from the corner's background colour, and the fraction of pixels that do. */
export function inkedRows(p: Pixels): { top: number; bottom: number; inked: number } {
  const background = [p.data[0]!, p.data[1]!, p.data[2]!];
  let top = p.height;
  let bottom = -1;
  let inked = 0;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const k = (y * p.width + x) * 4;
      if (
        Math.abs(p.data[k]! - background[0]!) +
          Math.abs(p.data[k + 1]! - background[1]!) +
          Math.abs(p.data[k + 2]! - background[2]!) >
        60
      ) {
        inked++;
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return { top, bottom, inked: inked / (p.width * p.height) };
}

/**
 * Waits until the surface covers more than a tenth of its canvas (a resize or new data clears the canvas until the
 * next frame; the engine's preview may still be on its way), or `timeoutMs` has passed; returns the fraction inked.
 */
export async function waitForSurface(page: Page, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let inked = inkedRows(await canvasPixels(surfaceCanvas(page))).inked;
  while (inked <= 0.1 && Date.now() < deadline) {
    await page.waitForTimeout(150);
    inked = inkedRows(await canvasPixels(surfaceCanvas(page))).inked;
  }
  return inked;
}
