// `npm run test:package`: the packaged app assembled by electron-builder and
// started from its own files (package.test.ts), and the linux-arm64 tree with
// its cross-built addon (packageArm64.test.ts). Apart from `npm test` because
// it packs the app three times and cross-builds the addon (a few minutes).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['main/packaging/package.test.ts', 'main/packaging/packageArm64.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One electron-builder at a time: they share the project and its caches.
    fileParallelism: false,
  },
});
