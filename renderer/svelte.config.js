// Svelte 5 with runes everywhere; TypeScript in components through vite's preprocessor.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
