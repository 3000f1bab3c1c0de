// `npm run test:portable`: the evaluator on every platform this machine can
// reach. Each step is one function: it builds the evaluator's test driver
// (compute/native/test/driver.cc, with the evaluator's sources from
// binding.gyp: compute/native/test/sources.mjs) with one toolchain and runs
// it where it can:
//   - native: the host's g++, the driver under every instruction-set copy;
//   - aarch64: cross-compiled (aarch64-linux-gnu-g++), run under qemu-aarch64;
//   - windows: MinGW-w64 (posix threads), run under wine.
// A step whose tool is missing is skipped with the command that installs it;
// under CI (VLAB_CI=1) it fails instead. Objects are kept in
// compute/native/build/portable/ and rebuilt when a source is newer.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { driverSources, evaluatorBuild, nativeDir } from '../compute/native/test/sources.mjs';

const ci = process.env.VLAB_CI === '1';
const buildRoot = join(nativeDir, 'build', 'portable');

/** The instruction-set copies the driver runs under (VLAB_NATIVE_ISA), per architecture. */
const ISAS = { x64: ['generic', 'avx2', 'avx512'], arm64: ['generic'] };

class Missing extends Error {}
const ciNote = ' (VLAB_CI=1: CI must run every step)';

/** The first `count` lines of a tool's output. */
const firstLines = (text, count) => text.trim().split('\n').slice(0, count).join('\n');

/** The first of `names` on PATH (or an absolute path that exists), else undefined. */
function findTool(...names) {
  for (const name of names) {
    if (name.startsWith('/')) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

function requireTool(what, install, ...names) {
  const found = findTool(...names);
  if (!found) throw new Missing(`${what} not found (${names.join(' or ')}); install it with: ${install}`);
  return found;
}

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The newest modification time of the evaluator's sources, headers and build description. */
function newestInput() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'build') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(nativeDir);
  return newest;
}

/**
 * Compiles the driver and the evaluator with `cxx` (extra flags for every
 * unit: `flags`; for linking: `linkFlags`) for gyp's `os` and `arch`, `jobs`
 * at a time, and links `output`. Throws with the compiler's message.
 */
async function buildDriver({ name, cxx, cxxArgs = [], os, arch, flags = [], linkFlags = [], output }) {
  const dir = join(buildRoot, name);
  mkdirSync(dir, { recursive: true });
  const { units } = evaluatorBuild({ os, arch });
  const base = units[0];
  const driver = driverSources.map((file) => ({
    ...base,
    file,
    target: 'driver',
    flags: [...base.flags, '-Wall', '-Wextra', '-Werror'],
  }));
  const all = [...driver, ...units];
  const newest = newestInput();
  const objects = all.map((unit) => join(dir, `${unit.target}-${basename(unit.file).replace(/\.\w+$/, '.o')}`));
  const queue = all
    .map((unit, i) => ({ unit, object: objects[i] }))
    .filter(({ object }) => !existsSync(object) || statSync(object).mtimeMs < newest);
  const compileOne = async ({ unit, object }) => {
    const args = [
      ...cxxArgs,
      ...unit.flags,
      ...flags,
      ...unit.defines.map((d) => `-D${d}`),
      ...unit.includeDirs.map((d) => `-I${d}`),
    ];
    const result = await run(cxx, [...args, '-c', unit.file, '-o', object]);
    if (result.code !== 0) {
      rmSync(object, { force: true });
      throw new Error(`${basename(cxx)} failed on ${basename(unit.file)}:\n${firstLines(result.output, 30)}`);
    }
  };
  const workers = Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
    while (queue.length) await compileOne(queue.shift());
  });
  await Promise.all(workers);
  const linked = await run(cxx, [...cxxArgs, ...objects, '-o', output, ...linkFlags]);
  if (linked.code !== 0) throw new Error(`linking ${basename(output)} failed:\n${firstLines(linked.output, 30)}`);
  return output;
}

/** Runs the built driver (through `runner`, e.g. qemu), once per ISA; throws with its report on failure. */
async function runDriver(label, runner, runnerArgs, env, isas) {
  const lines = [];
  for (const isa of isas) {
    const result = await run(runner, runnerArgs, { env: { ...process.env, ...env, VLAB_NATIVE_ISA: isa } });
    const last = result.output.trim().split('\n').pop();
    if (result.code !== 0)
      throw new Error(
        `${label} driver (VLAB_NATIVE_ISA=${isa}) exited ${result.code}:\n${
          result.output
            .split('\n')
            .filter((l) => /FAIL|driver:|error/i.test(l))
            .slice(0, 40)
            .join('\n') || result.output
        }`,
      );
    lines.push(last);
  }
  return lines.join('\n');
}

// ---- the steps ---------------------------------------------------------------------------------------

/** The host's compiler (Linux, x64 or arm64), the driver under every copy of the evaluator this CPU runs. */
export async function nativeDriver() {
  const arch = process.arch;
  if (process.platform !== 'linux' || !ISAS[arch])
    throw new Missing(`the native driver step runs on Linux x64 or arm64, not ${process.platform}-${arch}`);
  const cxx = requireTool('g++', 'apt-get install g++', process.env.CXX ?? 'g++', 'g++', 'c++');
  const output = join(buildRoot, `driver-linux-${arch}-native`);
  const exe = await buildDriver({
    name: `linux-${arch}-native`,
    cxx,
    os: 'linux',
    arch,
    linkFlags: ['-pthread', '-lm'],
    output,
  });
  return runDriver('native', exe, [], {}, ISAS[arch]);
}

/** Cross-compiled for aarch64 (the NEON copy), run under qemu's user-mode emulation. */
export async function aarch64Driver() {
  const install = 'apt-get install g++-aarch64-linux-gnu qemu-user-static';
  const cxx = requireTool(
    'an aarch64 cross compiler',
    install,
    process.env.VLAB_AARCH64_CXX ?? 'aarch64-linux-gnu-g++',
    'aarch64-linux-gnu-g++',
  );
  const qemu = requireTool('qemu for aarch64', install, 'qemu-aarch64-static', 'qemu-aarch64');
  const sysroot = '/usr/aarch64-linux-gnu';
  const exe = await buildDriver({
    name: 'linux-arm64',
    cxx,
    os: 'linux',
    arch: 'arm64',
    linkFlags: ['-pthread', '-lm'],
    output: join(buildRoot, 'driver-linux-arm64'),
  });
  return runDriver('aarch64', qemu, ['-L', sysroot, exe], {}, ISAS.arm64);
}

/** MinGW-w64 with posix threads (std::mutex and std::thread), run under wine. */
export async function windowsDriver() {
  const install = 'apt-get install mingw-w64 wine64';
  const cxx = requireTool('MinGW-w64 (posix threads)', install, 'x86_64-w64-mingw32-g++-posix');
  const exe = await buildDriver({
    name: 'win-x64',
    cxx,
    os: 'win',
    arch: 'x64',
    linkFlags: ['-static', '-pthread'],
    output: join(buildRoot, 'driver-win-x64.exe'),
  });
  const wine = requireTool('wine', install, 'wine64', '/usr/lib/wine/wine64', 'wine');
  const prefix = join(buildRoot, 'wineprefix');
  return runDriver(
    'windows',
    wine,
    [exe],
    { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' },
    ISAS.x64,
  );
}

export const steps = { native: nativeDriver, aarch64: aarch64Driver, windows: windowsDriver };

async function main() {
  const only = process.argv.slice(2);
  const chosen = only.length ? only : Object.keys(steps);
  const unknown = chosen.filter((name) => !steps[name]);
  if (unknown.length) {
    console.error(`test:portable: unknown step ${unknown.join(', ')}; the steps are ${Object.keys(steps).join(', ')}`);
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const name of chosen) {
    const started = Date.now();
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    try {
      const report = await steps[name]();
      passed++;
      console.log(`test:portable: ${name} passed (${seconds()})\n  ${report.replace(/\n/g, '\n  ')}`);
    } catch (error) {
      if (error instanceof Missing && !ci) {
        skipped++;
        console.log(`test:portable: ${name} skipped: ${error.message}`);
      } else {
        failed++;
        console.error(
          `test:portable: ${name} FAILED (${seconds()}): ${error.message}${error instanceof Missing ? ciNote : ''}`,
        );
      }
    }
  }
  console.log(`test:portable: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed ? 1 : 0);
}

await main();
