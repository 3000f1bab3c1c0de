// Types of binaryArch.mjs (plain JavaScript, loaded by electron-builder without a TypeScript loader).
export interface BinaryArch {
  format: 'elf' | 'mach-o' | 'pe';
  machine: number;
  arch: string;
}
export function binaryArch(bytes: Uint8Array): BinaryArch;
export function fileArch(path: string): BinaryArch;
