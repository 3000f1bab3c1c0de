#!/usr/bin/env node
// `npm run test:portable`: the native evaluator on the compilers and targets
// the lab's platforms use, beyond the default build `npm test` covers.
// Each step is one entry of STEPS below, run in order; a failing step is
// reported and the rest still run, and the script exits non-zero if any
// failed. `--only NAME[,NAME]` runs some steps; `--list` names them.
//
//   clang-build   builds the addon with clang++ (macOS's compiler) into
//                 compute/native/build-clang, beside the default build
//   clang-suite   everyPrimitive, the native tests and the pmap tests against
//                 the clang addon (VLAB_NATIVE_PATH): a calling-convention or
//                 codegen error in any kernel fails a value check
//   targets       the native suite once per SIMD target this CPU can run
//                 (VLAB_NATIVE_ISA=scalar, sse2, …, the widest), clang addon
//
// Other steps (aarch64 under qemu, MinGW) are added to STEPS the same way.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Runs a command in the repository root with its output shown; true when it exits 0. */
function sh(command, args, env = {}) {
  console.log(
    `$ ${Object.entries(env)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}${command} ${args.join(' ')}`,
  );
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) console.error(result.error.message);
  return result.status === 0;
}

function vitest(files, env) {
  // One file at a time: the cancellation tests race the pool, and a machine this loaded would lose the race.
  return sh(
    process.execPath,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--no-file-parallelism', ...files],
    env,
  );
}

function hasCommand(name) {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

const STEPS = [
  {
    name: 'clang-build',
    run() {
      if (!hasCommand('clang++')) {
        console.error('clang++ is not installed (Debian/Ubuntu: apt-get install -y clang)');
        return false;
      }
      return sh(process.execPath, ['compute/native/build.mjs', '--into', clangDir], { CC: 'clang', CXX: 'clang++' });
    },
  },
  {
    name: 'clang-suite',
    run() {
      if (!existsSync(clangAddon)) return missing();
      return vitest([...NATIVE_SUITE, ...PMAP_TESTS], { VLAB_NATIVE_PATH: clangAddon });
    },
  },
  {
    name: 'targets',
    run() {
      if (!existsSync(clangAddon)) return missing();
      const targets = createRequire(import.meta.url)(clangAddon)
        .targets()
        .map((t) => t.isa);
      let ok = true;
      for (const isa of targets) {
        console.log(`\n-- target ${isa}`);
        ok = vitest(NATIVE_SUITE, { VLAB_NATIVE_PATH: clangAddon, VLAB_NATIVE_ISA: isa }) && ok;
      }
      return ok;
    },
  },
];

function missing() {
  console.error(`${clangAddon} is missing: the clang-build step must pass first`);
  return false;
}

const argv = process.argv.slice(2);
if (argv.includes('--list')) {
  for (const step of STEPS) console.log(step.name);
  process.exit(0);
}
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : null;
const unknown = (only ?? []).filter((name) => !STEPS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown step ${unknown.join(', ')}; the steps are ${STEPS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const results = [];
for (const step of STEPS.filter((s) => !only || only.includes(s.name))) {
  console.log(`\n== test:portable: ${step.name}`);
  const started = Date.now();
  const ok = step.run();
  results.push({ name: step.name, ok, seconds: (Date.now() - started) / 1000 });
}
console.log('\n== test:portable summary');
for (const r of results) console.log(`${r.ok ? 'pass' : 'FAIL'}  ${r.name} (${r.seconds.toFixed(0)} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
