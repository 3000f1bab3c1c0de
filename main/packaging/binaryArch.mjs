// The machine a native binary was built for, read from its header: ELF
// (Linux), Mach-O (macOS, thin or universal) and PE (Windows). The packaging
// checks with it that each package carries an addon of its own architecture.
// Plain JavaScript: electron-builder loads the packaging hook without a
// TypeScript loader.

import { readFileSync } from 'node:fs';

const ELF_MACHINES = { 3: 'ia32', 40: 'arm', 62: 'x64', 183: 'arm64' };
const MACH_O_CPUS = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32', 12: 'arm' };
const PE_MACHINES = { 0x014c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64', 0x01c4: 'arm' };

/**
 * @param {Uint8Array} bytes the binary's first bytes (a few hundred for ELF and PE, 4 KiB for a universal Mach-O)
 * @returns {{ format: 'elf' | 'mach-o' | 'pe', machine: number, arch: string }} arch in Node's names (x64, arm64, …),
 *   or 'unknown'; a universal Mach-O's arch lists its slices ('arm64+x64')
 */
export function binaryArch(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 20 && view.getUint32(0) === 0x7f454c46) {
    const little = bytes[5] === 1;
    const machine = view.getUint16(18, little);
    return { format: 'elf', machine, arch: ELF_MACHINES[machine] ?? 'unknown' };
  }
  if (bytes.length >= 8 && view.getUint32(0, true) === 0xfeedfacf) {
    const machine = view.getUint32(4, true);
    return { format: 'mach-o', machine, arch: MACH_O_CPUS[machine] ?? 'unknown' };
  }
  if (bytes.length >= 8 && view.getUint32(0) === 0xcafebabe) {
    const count = view.getUint32(4);
    const slices = Array.from({ length: count }, (_, i) => MACH_O_CPUS[view.getUint32(8 + 20 * i)] ?? 'unknown');
    return { format: 'mach-o', machine: 0xcafebabe, arch: slices.sort().join('+') };
  }
  if (bytes.length >= 0x40 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 <= bytes.length && view.getUint32(pe) === 0x50450000) {
      const machine = view.getUint16(pe + 4, true);
      return { format: 'pe', machine, arch: PE_MACHINES[machine] ?? 'unknown' };
    }
  }
  throw new Error('not an ELF, Mach-O or PE binary');
}

/** binaryArch of a file. */
export function fileArch(path) {
  return binaryArch(new Uint8Array(readFileSync(path)).subarray(0, 4096));
}
