// The size rules STYLE.md and issue 19 set for product code, held by a test
// rather than by review: no product module over 300 lines (tables by design
// excepted, each named with its reason), and no line over 120 characters —
// the lines Prettier does not wrap (comments, strings, markup text) included.
// Product code is what compute/, main/ and renderer/ ship: sources of every
// language there (TypeScript, Svelte, CSS, C++, gyp), not tests, not vendored
// code, not prose (Markdown).

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const MAX_MODULE_LINES = 300;
const MAX_LINE_LENGTH = 120;

/** Modules that may be longer, because they are one table or one library by design. */
const LONG_BY_DESIGN: Record<string, string> = {
  'compute/core/primitives.ts': 'the primitive table: one entry per primitive, typed over the union',
  'compute/backends/wgslHelpers.ts': "the WGSL helper library: each function a port of Cephes' float32 kernel",
};

const SOURCE = /\.(ts|mts|mjs|js|svelte|css|html|cc|h|gyp)$/;
const NOT_PRODUCT = /\.test\.ts$|\.typecheck\.|\/third_party\/|^compute\/native\/test\//;

function productFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'compute', 'main', 'renderer'], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed.split('\n').filter((file) => SOURCE.test(file) && !NOT_PRODUCT.test(file));
}

const files = productFiles().map((path) => ({ path, lines: readFileSync(join(root, path), 'utf8').split('\n') }));
/** Lines as a reader counts them: characters (code points), not UTF-16 units or bytes. */
const width = (line: string) => [...line].length;
/** Lines as `wc -l` counts them: a final newline ends the last line, it does not start another. */
const lineCount = (lines: string[]) => (lines.at(-1) === '' ? lines.length - 1 : lines.length);
const longLines = (lines: string[]) => lines.filter((line) => width(line) > MAX_LINE_LENGTH).length;

describe('the shape of product code', () => {
  it('reads the product tree (a broken reader would pass every rule)', () => {
    expect(files.length).toBeGreaterThan(300);
    expect(files.some((f) => f.path.endsWith('.svelte'))).toBe(true);
    expect(files.some((f) => f.path.endsWith('.cc'))).toBe(true);
    expect(files.some((f) => f.path.includes('third_party') || f.path.endsWith('.test.ts'))).toBe(false);
  });

  it(`keeps every module to ${MAX_MODULE_LINES} lines, but the tables by design`, () => {
    const long = files
      .filter((f) => lineCount(f.lines) > MAX_MODULE_LINES && !(f.path in LONG_BY_DESIGN))
      .map((f) => `${f.path}: ${lineCount(f.lines)} lines`);
    expect(long, 'split these by idea').toEqual([]);
    const stale = Object.keys(LONG_BY_DESIGN).filter(
      (path) => lineCount(files.find((f) => f.path === path)?.lines ?? []) <= MAX_MODULE_LINES,
    );
    expect(stale, 'no longer long (or gone): take them off LONG_BY_DESIGN').toEqual([]);
  });

  it(`keeps every line to ${MAX_LINE_LENGTH} characters`, () => {
    const over = files.flatMap((f) =>
      f.lines
        .map((line, k) => ({ line, k }))
        .filter(({ line }) => width(line) > MAX_LINE_LENGTH)
        .map(({ line, k }) => `${f.path}:${k + 1} (${width(line)}): ${line.trim().slice(0, 60)}…`),
    );
    expect(over, 'rewrap the comment, or split the string into pieces').toEqual([]);
  });

  it('measures characters, not bytes: a line of 120 × and µ fits', () => {
    expect(width('×µ'.repeat(60))).toBe(MAX_LINE_LENGTH);
    expect(longLines(['×'.repeat(121), 'x'.repeat(120)])).toBe(1);
    expect(lineCount(['a', 'b', ''])).toBe(2);
  });
});
