import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['compute/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.ts', 'bin/**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', 'dist/**', 'main/packaging/package.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
