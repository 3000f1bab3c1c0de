// Builds everything that runs, ahead of time, into dist/: the renderer (Vite
// → dist/renderer) and every process's entry point (esbuild → the Electron
// main process and preload in dist/main, the engine process in dist/engine,
// the web shell host in dist/web, the `vlab` CLI in dist/cli). No process
// loads a TypeScript compiler at run time; esbuild and Vite are
// devDependencies, imported here only when something must be built.
// `npm run build` builds everything; `npm start` and `vlab` call ensureBuilt(),
// which rebuilds only what is older than its sources and says so.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * What the entry points load from node_modules at run time: the production
 * dependencies (natives and ws) and Electron. Every other package the code
 * imports (valibot) is a devDependency bundled into dist/.
 */
const RUNTIME_PACKAGES = [
  'electron',
  ...Object.keys(JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')).dependencies ?? {}),
];

/** Every compiled entry point: its source and where it is written. */
export const ENTRY_POINTS = [
  { source: 'main/electron/main.ts', output: 'dist/main/main.js', format: 'esm' },
  // A sandboxed preload is one CommonJS file that may require only 'electron'.
  { source: 'main/electron/preload.ts', output: 'dist/main/preload.cjs', format: 'cjs' },
  { source: 'main/engine/worker.ts', output: 'dist/engine/worker.js', format: 'esm' },
  { source: 'main/web/start.ts', output: 'dist/web/start.js', format: 'esm' },
  { source: 'compute/cli/bin.ts', output: 'dist/cli/vlab.js', format: 'esm' },
];

/** What each part of dist/ is built from; a newer file there makes that part stale. */
const PART_SOURCES = {
  renderer: ['renderer', 'assets', 'main/contract.ts', 'main/csp.ts', 'main/wire.ts', 'compute', 'package.json'],
  entries: ['compute', 'main', 'assets/lesson', 'package.json'],
};
const PART_OUTPUTS = {
  renderer: ['dist/renderer/index.html'],
  entries: ENTRY_POINTS.map((e) => e.output),
};
/** Never sources: the addon's build folder (large, and not compiled by us) and tests. */
const IGNORED = new Set([join('compute', 'native', 'build')]);
const isTest = (name) => /\.test\.ts$/.test(name);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return isTest(path) ? 0 : info.mtimeMs;
  if (IGNORED.has(relative(appRoot, path))) return 0;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function oldestOutput(part) {
  let oldest = Infinity;
  for (const output of PART_OUTPUTS[part]) {
    const path = join(appRoot, output);
    if (!existsSync(path)) return 0;
    oldest = Math.min(oldest, statSync(path).mtimeMs);
  }
  return oldest;
}

/** The parts of dist/ that are missing or older than their sources. */
export function staleParts(parts = ['renderer', 'entries']) {
  return parts.filter(
    (part) => Math.max(...PART_SOURCES[part].map((p) => newestMtime(join(appRoot, p)))) > oldestOutput(part),
  );
}

export async function buildRenderer() {
  const { build } = await import('vite');
  await build({ configFile: join(appRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * Compiles every entry point. Each file is written beside its target and
 * renamed into place, so a process starting meanwhile (a second `vlab`, an
 * engine worker) sees the old file or the new one, never half of one.
 */
export async function buildEntryPoints() {
  const esbuild = await import('esbuild');
  await Promise.all(
    ENTRY_POINTS.map(async ({ source, output, format }) => {
      const result = await esbuild.build({
        absWorkingDir: appRoot,
        entryPoints: [source],
        outfile: output,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format,
        sourcemap: 'linked',
        logLevel: 'warning',
        write: false,
        // The preload may require only electron; the other entries leave the
        // runtime packages to node_modules and bundle the rest.
        external: format === 'cjs' ? ['electron'] : RUNTIME_PACKAGES,
      });
      for (const file of result.outputFiles) {
        mkdirSync(dirname(file.path), { recursive: true });
        const partial = `${file.path}.partial-${process.pid}`;
        writeFileSync(partial, file.contents);
        renameSync(partial, file.path);
      }
    }),
  );
}

const BUILDERS = { renderer: buildRenderer, entries: buildEntryPoints };

async function canBuild() {
  try {
    await import('esbuild');
    await import('vite');
    return true;
  } catch {
    return false;
  }
}

/**
 * Rebuilds the stale parts of dist/ among `parts`, telling `log` what it
 * does (unless `quietRebuild`: a rebuild leaves nothing stale to warn of). Where the compilers are not installed (npm
 * prune --omit=dev, a
 * packaged app), stale output is run with a warning; missing output is an error.
 */
export async function ensureBuilt(
  parts,
  { log = (line) => process.stderr.write(`${line}\n`), quietRebuild = false } = {},
) {
  const stale = staleParts(parts);
  if (stale.length === 0) return;
  if (!(await canBuild())) {
    const missing = stale.filter((part) => oldestOutput(part) === 0);
    if (missing.length > 0)
      throw new Error(
        `dist/ has no ${missing.join(' or ')} build and esbuild/vite are not installed: run npm install && npm run ` +
          `build`,
      );
    log(
      `vlab: warning: dist/ is older than its sources (${stale.join(', ')}) and esbuild/vite are not installed; ` +
        `running the existing build (npm install && npm run build updates it)`,
    );
    return;
  }
  const first = stale.every((part) => oldestOutput(part) === 0);
  const started = performance.now();
  for (const part of stale) await BUILDERS[part]();
  const what = stale.map((p) => (p === 'entries' ? 'the entry points' : 'the renderer')).join(' and ');
  if (!quietRebuild)
    log(
      `vlab: ${first ? 'built' : 'rebuilt'} ${what} in ${Math.round(performance.now() - started)} ms ` +
        `(${first ? 'first start' : 'sources were newer'})`,
    );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await buildRenderer();
  await buildEntryPoints();
  process.stdout.write(
    `built dist/ (renderer, main, preload, engine worker, web shell, vlab) in ` +
      `${Math.round(performance.now() - started)} ms\n`,
  );
}
