import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { binaryArch, fileArch } from './binaryArch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

function elf(machine: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  new DataView(bytes.buffer).setUint16(18, machine, true);
  return bytes;
}

function pe(machine: number): Uint8Array {
  const bytes = new Uint8Array(256);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x50450000);
  view.setUint16(0x84, machine, true);
  return bytes;
}

function machO(cpu: number): Uint8Array {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xfeedfacf, true);
  view.setUint32(4, cpu, true);
  return bytes;
}

describe('the architecture of a native binary, from its header', () => {
  it('reads ELF, PE and Mach-O machines in Node’s names', () => {
    expect(binaryArch(elf(183))).toEqual({ format: 'elf', machine: 183, arch: 'arm64' });
    expect(binaryArch(elf(62))).toEqual({ format: 'elf', machine: 62, arch: 'x64' });
    expect(binaryArch(pe(0xaa64))).toMatchObject({ format: 'pe', arch: 'arm64' });
    expect(binaryArch(pe(0x8664))).toMatchObject({ format: 'pe', arch: 'x64' });
    expect(binaryArch(machO(0x0100000c))).toMatchObject({ format: 'mach-o', arch: 'arm64' });
    expect(binaryArch(machO(0x01000007))).toMatchObject({ format: 'mach-o', arch: 'x64' });
  });

  it('lists a universal Mach-O’s slices', () => {
    const bytes = new Uint8Array(64);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xcafebabe);
    view.setUint32(4, 2);
    view.setUint32(8, 0x01000007);
    view.setUint32(28, 0x0100000c);
    expect(binaryArch(bytes)).toMatchObject({ format: 'mach-o', arch: 'arm64+x64' });
  });

  it('names a machine it does not know, and refuses what is no binary', () => {
    expect(binaryArch(elf(243))).toMatchObject({ arch: 'unknown', machine: 243 });
    expect(() => binaryArch(new TextEncoder().encode('#!/bin/sh\necho not a binary\n'))).toThrow(
      'not an ELF, Mach-O or PE binary',
    );
  });

  const addon = join(root, 'compute', 'native', 'build', 'Release', 'vlab_native.node');
  it.runIf(existsSync(addon))('finds this machine’s architecture in the addon built here', () => {
    expect(fileArch(addon).arch).toBe(process.arch);
  });
});
