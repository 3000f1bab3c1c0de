// The opening grid's time bars: with no input, Live calibrates at launch and
// times the grid the app opens on; this waits until the named strategies have
// a current bar there, as the time chart marks them (data-state, data-stamp).
// Shared by the machine e2e and the launch check (checkLaunch.ts).

import type { Page } from 'playwright-core';

/** The opening grid's stamp, as the time chart writes it on a bar measured there. */
async function openingStamp(page: Page): Promise<string> {
  await page.getByTestId('n-value').waitFor({ timeout: 30_000 });
  const n = Number((await page.getByTestId('n-value').innerText()).replace(/,/g, ''));
  return `${n}x${n}:float32`;
}

/** Resolves with the opening grid's stamp once every one of `strategies` has a current bar there. */
export async function openingBars(page: Page, strategies: readonly string[], timeoutMs = 30_000): Promise<string> {
  const stamp = await openingStamp(page);
  await page.waitForFunction(
    ({ stamp, strategies }) =>
      strategies.every(
        (s) =>
          document.querySelector(
            `[data-testid="time-chart"] [data-strategy="${s}"][data-state="current"][data-stamp="${stamp}"]`,
          ) !== null,
      ),
    { stamp, strategies },
    { timeout: timeoutMs, polling: 20 },
  );
  return stamp;
}
