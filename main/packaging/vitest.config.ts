// `npm run test:package`: the packaged app assembled by electron-builder and
// started from its own files (package.test.ts). Apart from `npm test` because
// it packs the app twice (about half a minute).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['main/packaging/package.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
