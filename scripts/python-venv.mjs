#!/usr/bin/env node
// Makes the Python virtual environment with JAX and NumPy that the tests and
// CI run the lab's JAX exports and its Python peers under — once, from the
// Python registry (pip) — and reuses it afterwards. Prints the venv's python
// on stdout; progress and errors go to stderr. Exit 0: ready; exit 1: it could
// not be made, and stderr says why (no python3, no venv module, pip failed).
//
//   node scripts/python-venv.mjs            make it if missing, print its python
//   node scripts/python-venv.mjs --check    print its python if ready, never install
//
// The venv lives in .venv-jax/ at the repository root (git-ignored), or where
// VLAB_VENV_DIR says. The python that makes it is VLAB_PYTHON_BASE, else python3.
// Test tooling and CI only: the product finds its Python through VLAB_PYTHON or PATH.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venv = resolve(process.env.VLAB_VENV_DIR ?? join(root, '.venv-jax'));
const basePython = process.env.VLAB_PYTHON_BASE ?? (process.platform === 'win32' ? 'python' : 'python3');
const python = process.platform === 'win32' ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');
/** What the venv must hold; jaxlib is named so that pip installs the CPU build beside jax. */
const PACKAGES = ['jax', 'jaxlib', 'numpy'];
const lock = `${venv}.lock`;
/** A lock older than this was left by a killed run (a full install takes about 2 minutes). */
const STALE_LOCK_MS = 15 * 60_000;

function log(message) {
  process.stderr.write(`python-venv: ${message}\n`);
}

function fail(message) {
  log(message);
  process.exit(1);
}

/** The venv's package versions if it imports them all, else null. */
function ready() {
  if (!existsSync(python)) return null;
  const probe = spawnSync(
    python,
    ['-c', 'import jax, jaxlib, numpy; print(jax.__version__, jaxlib.__version__, numpy.__version__)'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return probe.status === 0 ? probe.stdout.trim() : null;
}

function run(command, args) {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 20 * 60_000 });
  if (result.error) return `${command} could not be started: ${result.error.message}`;
  return result.status === 0 ? null : `${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One maker at a time: test files running in parallel wait for the first one's venv. */
function withLock(make) {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_LOCK_MS) {
        log(`removing a stale lock ${lock} (${Math.round(age / 1000)} s old)`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      sleep(1000);
    }
  }
  try {
    return make();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const checkOnly = process.argv.includes('--check');
let versions = ready();
if (!versions && checkOnly) fail(`no ready venv at ${venv}: run node scripts/python-venv.mjs`);
if (!versions) {
  versions = withLock(() => {
    const madeMeanwhile = ready();
    if (madeMeanwhile) return madeMeanwhile;
    const base = spawnSync(basePython, ['--version'], { encoding: 'utf8' });
    if (base.error || base.status !== 0)
      fail(`no ${basePython} on PATH to make the venv with (set VLAB_PYTHON_BASE to a Python 3)`);
    if (existsSync(venv)) rmSync(venv, { recursive: true, force: true });
    const venvError = run(basePython, ['-m', 'venv', venv]);
    // Debian and Ubuntu ship the venv module (ensurepip) apart from python3.
    if (venvError) fail(`${venvError}; on Debian or Ubuntu install python3-venv (apt-get install python3-venv)`);
    const pipError = run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...PACKAGES]);
    if (pipError)
      fail(
        `${pipError}; the venv at ${venv} is not ready (pip needs the Python registry, or a local index in pip.conf)`,
      );
    const made = ready();
    if (!made) fail(`pip installed ${PACKAGES.join(', ')} into ${venv} but they do not import`);
    return made;
  });
  log(`made ${venv}: jax, jaxlib, numpy ${versions}`);
}
process.stdout.write(`${python}\n`);
