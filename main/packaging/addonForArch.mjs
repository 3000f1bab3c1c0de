// electron-builder's beforePack hook: each package gets the native addon
// built for its own platform and architecture. electron-builder.yml copies
// build/native/prebuilds/${os}-${arch}/vlab_native.node into the app
// as compute/native/build/Release/vlab_native.node (where the engine loads it
// from); this hook puts the right binary there first: the addon built for
// this machine (npm run build:native) when the package is for it, else a
// cross build with node-gyp --arch (Linux arm64 on x64 with
// aarch64-linux-gnu-g++; macOS and Windows with their own compilers' other
// target). It then checks the binary's header names that architecture, so a
// package never ships an addon it cannot load. Plain JavaScript:
// electron-builder imports it without a TypeScript loader.

import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeDir, findNodeGyp } from '../../compute/native/nodeGyp.mjs';
import { fileArch } from './binaryArch.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const nativeDir = join(repoRoot, 'compute', 'native');
const ADDON = 'vlab_native.node';
/** Outside compute/native/build, which every node-gyp rebuild of this machine's addon wipes. */
const buildDir = join(repoRoot, 'build', 'native');

/** electron-builder's Arch enum (builder-util), by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];
/** electron-builder's platform keys (${os}) for Node's process.platform. */
const OS_OF_PLATFORM = { linux: 'linux', darwin: 'mac', win32: 'win' };
const FORMAT_OF_OS = { linux: 'elf', mac: 'mach-o', win: 'pe' };

/** Where the package for `os`-`arch` takes its addon from. */
export function prebuiltAddon(os, arch) {
  return join(buildDir, 'prebuilds', `${os}-${arch}`, ADDON);
}

function newestSource() {
  let newest = statSync(join(nativeDir, 'binding.gyp')).mtimeMs;
  for (const part of ['src', 'third_party']) {
    const dir = join(nativeDir, part);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** The compilers node-gyp needs to build for `arch` here (Linux cross builds only: the others switch by flag). */
function crossCompilers(os, arch) {
  if (os !== 'linux' || arch === process.arch) return {};
  if (arch !== 'arm64')
    throw new Error(`no cross compiler is known for linux-${arch}; package it on a linux-${arch} machine`);
  const cxx = process.env.VLAB_AARCH64_CXX ?? 'aarch64-linux-gnu-g++';
  const found = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      `the linux-arm64 addon needs ${cxx} (apt-get install g++-aarch64-linux-gnu), or package on an arm64 machine`,
    );
  }
  return { CXX: cxx, CC: cxx.replace(/g\+\+$/, 'gcc'), LINK: cxx };
}

/** node-gyp over a copy of the sources (so compute/native/build/Release, this machine's addon, is left alone). */
function crossBuild(os, arch, target) {
  const env = { ...process.env, ...crossCompilers(os, arch) };
  const dir = join(buildDir, 'cross', `${os}-${arch}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const part of ['binding.gyp', 'src', 'third_party']) {
    if (existsSync(join(nativeDir, part))) cpSync(join(nativeDir, part), join(dir, part), { recursive: true });
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) throw new Error('node-gyp was not found (it ships with npm)');
  const nodeDir = findNodeDir();
  const args = [
    nodeGyp,
    'rebuild',
    `--directory=${dir}`,
    `--arch=${arch}`,
    '--jobs=max',
    ...(nodeDir ? [`--nodedir=${nodeDir}`] : []),
  ];
  const result = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
  if (result.status !== 0) {
    const log = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
    throw new Error(`building the ${os}-${arch} addon failed:\n${log.trim().split('\n').slice(-25).join('\n')}`);
  }
  mkdirSync(join(target, '..'), { recursive: true });
  copyFileSync(join(dir, 'build', 'Release', ADDON), target);
}

/** Puts the addon for `os`-`arch` at prebuiltAddon(os, arch), building it where needed; returns its path. */
export function provideAddon(os, arch) {
  const target = prebuiltAddon(os, arch);
  const hostOs = OS_OF_PLATFORM[process.platform];
  if (os === hostOs && arch === process.arch) {
    const built = join(nativeDir, 'build', 'Release', ADDON);
    if (!existsSync(built)) throw new Error(`the native addon is not built (${built}): run npm run build:native first`);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(built, target);
  } else if (os !== hostOs) {
    throw new Error(`the ${os}-${arch} addon cannot be built on ${hostOs}: package ${os} on a ${os} machine`);
  } else if (!existsSync(target) || statSync(target).mtimeMs < newestSource()) {
    crossBuild(os, arch, target);
  }
  const found = fileArch(target);
  if (found.format !== FORMAT_OF_OS[os] || found.arch !== arch) {
    throw new Error(
      `${target} is a ${found.format} binary for ${found.arch}, not the ${FORMAT_OF_OS[os]} for ${arch} it must be`,
    );
  }
  return target;
}

/** The hook: electron-builder calls it before it copies the app's files for each platform and architecture. */
export async function beforePack(context) {
  const os = context.packager.platform.buildConfigurationKey;
  const arch = ARCH_NAMES[context.arch];
  if (!arch || arch === 'universal')
    throw new Error(`package each architecture on its own (got ${arch ?? context.arch})`);
  provideAddon(os, arch);
}

export default beforePack;
