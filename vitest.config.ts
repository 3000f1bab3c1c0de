import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // The renderer's state modules (*.svelte.ts) use runes: compiled as the app compiles them.
  plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
  test: {
    include: [
      'compute/**/*.test.ts',
      'main/**/*.test.ts',
      'renderer/**/*.test.ts',
      'bin/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: [
      'node_modules/**',
      'e2e/**',
      'dist/**',
      // test:portable's wine prefix: its dosdevices/z: is the whole file system, every worktree's tests in it
      'compute/native/build/**',
      'main/packaging/package.test.ts',
      'main/packaging/packageArm64.test.ts',
    ],
    testTimeout: 60_000,
    // GitHub's workflow parser (main/packaging/ciWorkflow.test.ts) imports its schema JSON without an import
    // attribute, which Node's own loader refuses: Vite loads it instead.
    server: { deps: { inline: [/@actions\/workflow-parser/, /@actions\/expressions/] } },
    pool: 'forks',
  },
});
