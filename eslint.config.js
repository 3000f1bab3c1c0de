// ESLint, flat config: the recommended rules of ESLint, typescript-eslint and
// eslint-plugin-svelte, plus the type-aware checks that are cheap and catch real
// bugs here (a promise nobody awaits; a value nobody reads). Formatting is
// Prettier's business (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './renderer/svelte.config.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'release/',
      'build/',
      'out/',
      'compute/native/build/',
      'test-results/',
      '.vlab/',
      '.venv-jax/',
      'e2e/screenshots/',
      '**/third_party/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // TypeScript and Svelte sources: typed by the tsconfig nearest each file.
    files: ['**/*.ts', '**/*.mts', '**/*.svelte'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises that the runner itself awaits (the e2e suites).
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteConfig },
    },
  },
  {
    rules: {
      // Vitest reads a hook's or fixture's first parameter as a pattern: `({}, file) => …` is its idiom.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
      // A name that starts with `_` is unused on purpose (a parameter a signature requires).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
