// Builds what the shells load: the renderer (Vite → dist/renderer) and, for
// Electron, the main process and preload (esbuild → dist/main). The engine
// is not bundled: its worker runs compute/ from source through tsx, as the
// CLI does, so native and GPU backends find their files where they are.
// `node main/build.mjs` builds everything; start.mjs builds only what is stale.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appRoot = fileURLToPath(new URL('..', import.meta.url));
const rendererOut = join(appRoot, 'dist', 'renderer');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when dist/renderer is missing or older than its sources. */
export function rendererIsStale() {
  const built = join(rendererOut, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['renderer', 'assets', 'main/contract.ts', 'main/csp.ts', 'package.json'].map((p) => newestMtime(join(appRoot, p)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

export async function buildRenderer() {
  const { build } = await import('vite');
  await build({ configFile: join(appRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

export async function buildElectron() {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: appRoot };
  await esbuild.build({
    ...common,
    entryPoints: ['main/electron/main.ts'],
    outfile: 'dist/main/main.js',
    format: 'esm',
    // Packages load from node_modules at run time; only the app's own files are bundled.
    packages: 'external',
  });
  // A sandboxed preload is one CommonJS file that may require only 'electron'.
  await esbuild.build({
    ...common,
    entryPoints: ['main/electron/preload.ts'],
    outfile: 'dist/main/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await buildRenderer();
  await buildElectron();
  process.stdout.write(`built dist/renderer and dist/main in ${Math.round(performance.now() - started)} ms\n`);
}
