// `npm run test:e2e`'s first step: stops the run at once, saying what is
// missing and how to install it, where there is no Chromium for the suites.
import { requireBrowser } from './chromium.ts';

try {
  requireBrowser();
} catch (error) {
  process.stderr.write(`test:e2e: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
