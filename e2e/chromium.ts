// The Chromium the e2e suites drive, and the check that it is there: kept
// apart from webShell.ts (and Playwright) so that the preflight loads quickly.
import { accessSync, constants } from 'node:fs';

/** The Chromium the suites drive: Debian's, or the one VLAB_BROWSER names. */
export const CHROMIUM = process.env.VLAB_BROWSER ?? '/usr/bin/chromium';

/** Throws at once, naming what is missing and how to get it, where there is no Chromium to run. */
export function requireBrowser(): void {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `the e2e tests need Chromium, and there is no executable at ${CHROMIUM}. ` +
        'Install it (Debian/Ubuntu: sudo apt-get install chromium), or set VLAB_BROWSER to a Chromium or Chrome binary.',
    );
  }
}
