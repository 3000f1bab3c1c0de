#!/usr/bin/env node
// `npm run test:portable`: the native evaluator on the compilers, targets and
// platforms the lab ships to, beyond the default build `npm test` covers. Each
// step is one function of `steps`, run in order (`npm run test:portable --
// clang-suite aarch64` runs some):
//   - clang-build: the addon built with clang++ (macOS's compiler) into
//     compute/native/build-clang, beside the default build;
//   - clang-suite: everyPrimitive, the native tests and the pmap tests against
//     the clang addon (VLAB_NATIVE_PATH): a calling-convention or codegen
//     error in any kernel fails a value check;
//   - targets: the native suite once per SIMD target this CPU can run
//     (VLAB_NATIVE_ISA=scalar, sse2, …, the widest), on the clang addon;
//   - native: the evaluator's test driver (compute/native/test/driver.cc, the
//     evaluator's sources from binding.gyp: compute/native/test/sources.mjs)
//     with the host's g++, under every copy of the evaluator;
//   - aarch64: the driver cross-compiled (aarch64-linux-gnu-g++), run under qemu-aarch64;
//   - windows: the driver built with MinGW-w64 (posix threads), run under wine.
// A step whose tool is missing is skipped with the command that installs it;
// under CI (VLAB_CI=1) it fails instead. Driver objects are kept in
// compute/native/build/portable/ and rebuilt when a source is newer.

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driverSources, evaluatorBuild, nativeDir } from '../compute/native/test/sources.mjs';

const ci = process.env.VLAB_CI === '1';
const buildRoot = join(nativeDir, 'build', 'portable');

/** The instruction-set copies the driver runs under (VLAB_NATIVE_ISA), per architecture. */
const ISAS = { x64: ['scalar', 'sse2', 'sse4', 'avx2', 'avx512'], arm64: ['neon', 'scalar'] };

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

// ---- the addon built with clang, and the native suite on every target ----------------------------------

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clangDir = join(root, 'compute', 'native', 'build-clang');
const clangAddon = join(clangDir, 'build', 'Release', 'vlab_native.node');

/** The native suite: every primitive against the reference, the kernels on every path, the backend's own tests. */
const NATIVE_SUITE = [
  'compute/backends/everyPrimitive.test.ts',
  'compute/backends/nativeKernels.test.ts',
  'compute/backends/native.test.ts',
];
const PMAP_TESTS = ['compute/transforms/pmap.test.ts', 'compute/strategies/pmap.test.ts'];

/** Runs a command in the repository root with its output shown; throws when it exits non-zero. */
function sh(command, args, env = {}) {
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  console.log(`$ ${shown}${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${basename(command)} exited ${result.status ?? result.error?.message}`);
}

function vitest(files, env) {
  // One file at a time: the cancellation tests race the pool, and a loaded machine would lose the race.
  sh(
    process.execPath,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--no-file-parallelism', ...files],
    env,
  );
}

function requireClangAddon() {
  if (!existsSync(clangAddon)) throw new Error(`${clangAddon} is missing: the clang-build step must pass first`);
}

export async function clangBuild() {
  const clang = requireTool('clang++', 'apt-get install clang', 'clang++');
  sh(process.execPath, ['compute/native/build.mjs', '--into', clangDir], { CC: 'clang', CXX: clang });
  return clangAddon;
}

export async function clangSuite() {
  requireClangAddon();
  vitest([...NATIVE_SUITE, ...PMAP_TESTS], { VLAB_NATIVE_PATH: clangAddon });
  return 'native suite and pmap tests on the clang addon';
}

export async function targets() {
  requireClangAddon();
  const isas = createRequire(import.meta.url)(clangAddon)
    .targets()
    .map((t) => t.isa);
  for (const isa of isas) {
    console.log(`\n-- target ${isa}`);
    vitest(NATIVE_SUITE, { VLAB_NATIVE_PATH: clangAddon, VLAB_NATIVE_ISA: isa });
  }
  return `native suite on ${isas.join(', ')}`;
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

export const steps = {
  'clang-build': clangBuild,
  'clang-suite': clangSuite,
  targets,
  native: nativeDriver,
  aarch64: aarch64Driver,
  windows: windowsDriver,
};

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
