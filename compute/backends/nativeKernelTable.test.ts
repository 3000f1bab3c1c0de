// A missing kernel is a compile error, not a silent hole: the VM's scalar
// and vector dispatch are switches generated from the kernel lines of
// compute/native/src/opcodes.h, with no default arm, built with
// -Werror=switch (the C++ form of `satisfies never`). This test deletes one
// kernel line from a copy of the sources and compiles a translation unit with
// the addon's own flags (syntax only, so it takes a second): the unmodified
// copy must compile, each mutilated one must not, and must say which opcode.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon } from './nativeAddon.js';

const nativeDir = fileURLToPath(new URL('../native/', import.meta.url));
const sources = join(nativeDir, 'src');
const work = mkdtempSync(join(tmpdir(), 'vlab-kernel-table-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Gyp = { variables: { vlab_cflags: string[]; vlab_kernel_cflags: string[]; vlab_includes: string[] } };

/** The C++ flags of the addon's kernels, as binding.gyp gives them to the compiler (the vendored xsimd included). */
function addonFlags(): string[] {
  const { variables } = JSON.parse(readFileSync(join(nativeDir, 'binding.gyp'), 'utf8')) as Gyp;
  const includes = variables.vlab_includes
    .filter((dir) => !dir.startsWith('<'))
    .map((dir) => `-I${join(nativeDir, dir)}`);
  return [...variables.vlab_cflags, ...variables.vlab_kernel_cflags, ...includes];
}

/** The baseline copy of the evaluator: every kernel of the table, built with the addon's own flags. */
const baseline = process.arch === 'arm64' ? 'vm_neon.cc' : 'vm_sse2.cc';

/** Compiles the baseline copy from a copy of the sources with opcodes.h edited. */
function compileWith(
  name: string,
  edit: (opcodes: string) => string,
): Promise<{ status: number | null; stderr: string }> {
  const dir = join(work, name);
  cpSync(sources, dir, { recursive: true });
  const opcodes = join(dir, 'opcodes.h');
  writeFileSync(opcodes, edit(readFileSync(opcodes, 'utf8')));
  return new Promise((resolve, reject) => {
    const child = spawn('g++', [...addonFlags(), '-fsyntax-only', join(dir, baseline)], {
      cwd: dir,
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const withoutLine = (prefix: string) => (text: string) => {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith(prefix));
  expect(at, `opcodes.h has a line starting ${prefix}`).toBeGreaterThanOrEqual(0);
  lines.splice(at, 1);
  return lines.join('\n');
};

// The addon was built, so a compiler is here; without one the addon tests are skipped too.
describe.skipIf(!loadAddon().addon)('the opcode table’s kernels are checked by the compiler', () => {
  it('the sources as they are compile with the addon’s flags (-Werror=switch among them)', async () => {
    expect(addonFlags()).toContain('-Werror=switch');
    const result = await compileWith('unchanged', (text) => text);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    ['scalar', 'VLAB_SCALAR(MOD,', 'MOD'],
    ['vector', 'VLAB_VECTOR(ATAN2,', 'ATAN2'],
    ['vector', 'VLAB_VECTOR(COS,', 'COS'],
  ])('removing one %s kernel line (%s …) fails the build, naming the opcode', async (_, prefix, opcode) => {
    const result = await compileWith(`without-${opcode}-${prefix.slice(5, 11)}`, withoutLine(prefix));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`enumeration value .${opcode}. not handled in switch`));
  });
});
