// The linux-arm64 package, assembled on this x86-64 machine: electron-builder
// (the `dir` target for arm64, from electron-builder.yml) runs the beforePack
// hook, which cross-builds the real addon (node-gyp --arch=arm64 with
// aarch64-linux-gnu-g++), and packs the tree. The tree is checked from its
// files: the addon's ELF header names aarch64, Dawn is linux-arm64's, and it
// holds the same app as this machine's package. Run by `npm run test:package`;
// without the cross compiler it is skipped, except under CI (VLAB_CI=1), where
// the hook's error says what to install.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleApp } from './assemble.js';
import { fileArch } from './binaryArch.mjs';

const ADDON = 'compute/native/build/Release/vlab_native.node';
const EM_AARCH64 = 183;
const crossCompiler = !spawnSync(process.env.VLAB_AARCH64_CXX ?? 'aarch64-linux-gnu-g++', ['--version']).error;
const runs = crossCompiler || process.env.VLAB_CI === '1';
if (!runs)
  console.warn('linux-arm64 package skipped: no aarch64-linux-gnu-g++ (apt-get install g++-aarch64-linux-gnu)');

let work: string | undefined;
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.runIf(runs)('the linux-arm64 package (assembled here, its addon cross-built)', () => {
  it('carries an aarch64 addon, linux-arm64 Dawn and the whole app', async () => {
    work = await mkdtemp(join(tmpdir(), 'vlab-package-arm64-'));
    const app = await assembleApp(join(work, 'arm64'), undefined, 'arm64');
    expect(app.outDir.endsWith('linux-arm64-unpacked')).toBe(true);
    expect(app.unpackedFiles).toContain(ADDON);
    // ELF: 64-bit (EI_CLASS 2), little-endian (EI_DATA 1), e_machine at byte 18.
    const header = readFileSync(join(app.appDir, ADDON)).subarray(0, 20);
    expect([...header.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect([header[4], header[5]]).toEqual([2, 1]);
    expect(header.readUInt16LE(18)).toBe(EM_AARCH64);
    expect(fileArch(join(app.appDir, ADDON))).toMatchObject({ format: 'elf', arch: 'arm64' });
    const dawn = new Set(
      app.unpackedFiles.filter((f) => f.startsWith('node_modules/webgpu/dist/')).map((f) => f.split('/')[3]),
    );
    expect(dawn).toEqual(new Set(['linux-arm64']));
    for (const entry of [
      'package.json',
      'dist/main/main.js',
      'dist/engine/worker.js',
      'dist/cli/vlab.js',
      'dist/renderer/index.html',
    ]) {
      expect(app.asarFiles, entry).toContain(entry);
    }
  });
});
