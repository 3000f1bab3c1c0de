// Builds the native addon (compute/native/build/Release/vlab_native.node)
// with node-gyp against the running Node's own headers, so nothing is
// downloaded. `npm install` runs it with --optional: on a machine without a
// compiler the install still succeeds, prints one line, and the engine runs
// without the native backend (which then reports itself unavailable, with
// the reason). `npm run build:native` runs it strictly, with the full log.
// `--into DIR` builds a copy of the sources in DIR instead (DIR/build/Release/
// vlab_native.node), with the compiler CC/CXX name: `npm run test:portable`
// builds its clang addon so, beside the default one.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeDir, findNodeGyp } from './nodeGyp.mjs';

const sources = dirname(fileURLToPath(import.meta.url));
const optional = process.argv.includes('--optional');
const intoAt = process.argv.indexOf('--into');
const here = intoAt > 0 && process.argv[intoAt + 1] ? resolve(process.argv[intoAt + 1]) : sources;
if (here !== sources) {
  for (const part of ['binding.gyp', 'src', 'third_party'])
    cpSync(join(sources, part), join(here, part), { recursive: true });
}
const require = createRequire(import.meta.url);

function giveUp(reason, log) {
  if (log) {
    mkdirSync(join(here, 'build'), { recursive: true });
    writeFileSync(join(here, 'build', 'build.log'), log);
  }
  const where = log ? ` (log: ${join(here, 'build', 'build.log')})` : '';
  if (optional) {
    console.log(
      `vlab: native backend not built: ${reason}${where}; the engine runs without it (retry with npm run build:native)`,
    );
    process.exit(0);
  }
  console.error(`vlab: native backend build failed: ${reason}${where}`);
  process.exit(1);
}

// In optional mode nothing may fail the install, not even a bug here.
if (optional)
  process.on('uncaughtException', (error) => giveUp(error instanceof Error ? error.message : String(error)));

// `npm install` runs this again on every reify (npm prune, npm install PKG):
// an addon newer than its sources is kept, and a rebuild that cannot succeed
// is not started, because node-gyp's first step wipes the build folder.
const addon = join(here, 'build', 'Release', 'vlab_native.node');
const newestSource = Math.max(
  ...['binding.gyp', ...readdirSync(join(here, 'src')).map((f) => join('src', f))].map(
    (f) => statSync(join(here, f)).mtimeMs,
  ),
);
if (optional && existsSync(addon) && statSync(addon).mtimeMs >= newestSource) {
  console.log('vlab: native backend up to date (compute/native/build/Release/vlab_native.node)');
  process.exit(0);
}
try {
  require.resolve('node-addon-api');
} catch {
  giveUp('node-addon-api is not installed (a devDependency: run npm install without --omit=dev)');
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) giveUp('node-gyp was not found (it ships with npm)');
const args = [nodeGyp, 'rebuild', `--directory=${here}`, '--jobs=max'];
const nodeDir = findNodeDir();
if (nodeDir) args.push(`--nodedir=${nodeDir}`);
const started = Date.now();
const result = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', stdio: optional ? 'pipe' : 'inherit' });
const log = `${result.stdout ?? ''}${result.stderr ?? ''}`;
if (result.error) giveUp(result.error.message, log);
if (result.status !== 0) {
  const lastError = log
    .split('\n')
    .find((line) => /error|not found|No such file/i.test(line))
    ?.trim();
  giveUp(lastError ? lastError.slice(0, 200) : `node-gyp exited with status ${result.status}`, log);
}
console.log(`vlab: native backend built in ${((Date.now() - started) / 1000).toFixed(1)} s (${addon})`);
