// Builds the renderer into dist/renderer with relative paths, so the same
// files load from Electron's app:// protocol and from the web shell's host.
// Everything is bundled (fonts included, never inlined as data: URLs, which
// the CSP refuses); the page's CSP meta tag comes from main/csp.ts.

import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { META_CONTENT_SECURITY_POLICY } from '../main/csp.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

function contentSecurityPolicy(): Plugin {
  return {
    name: 'vlab-csp',
    transformIndexHtml: (html) => html.replace('%VLAB_CSP%', META_CONTENT_SECURITY_POLICY),
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [svelte(), contentSecurityPolicy()],
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    target: 'es2022',
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
