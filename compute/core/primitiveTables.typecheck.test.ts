// Proves that the tables keyed by primitive are checked by the compiler: the
// TypeScript compiler, in-process over an in-memory copy of one source file
// with one entry deleted, must report an error in that file — while the
// unchanged sources type-check clean. So forgetting a primitive in any table
// breaks `npm run typecheck`, not a user's run.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One table, and the line of one of its entries that the test deletes. */
interface TableEntry {
  table: string;
  file: string;
  /** Matches exactly one line of the file: the entry. */
  entry: RegExp;
  /** How the entry is taken out (default: the whole line). */
  remove?: (line: string) => string;
}

const TABLES: TableEntry[] = [
  {
    table: 'scalarSemantics (the reference meaning)',
    file: 'compute/core/primitives.ts',
    entry: /^ {2}atan: Math\.atan,$/,
  },
  {
    table: 'the spellings (formula, ops, Python)',
    file: 'compute/core/primitives.ts',
    entry: /^ {2}sinh: \{ formula: \['sinh'\]/,
  },
  {
    table: 'outputAval (the shape rule switch)',
    file: 'compute/core/primitives.ts',
    entry: /^ {4}case 'transpose': \{$/,
    remove: () => "    case 'no such primitive' as never: {",
  },
  { table: 'the JS emitters', file: 'compute/backends/js.ts', entry: /^ {2}atan2: \(\[y, x\]\) =>/ },
  { table: 'the WGSL emitters', file: 'compute/backends/wgslGraph.ts', entry: /^ {2}hypot: \(\[a, b\]\) =>/ },
  { table: "WGSL's numerics notes", file: 'compute/backends/wgsl.ts', entry: /^ {2}hypot: 'hypot: float32/ },
  { table: 'the formula operators', file: 'compute/formula/vocabulary.ts', entry: /^ {2}'%': 'mod',$/ },
  {
    table: 'the batching rules',
    file: 'compute/transforms/vmap.ts',
    entry: /^ {2}transpose: \(builder, \[operand\], params\) => \{$/,
    remove: () => '  notTranspose: (builder, [operand], params) => {',
  },
];

const options: ts.CompilerOptions = {
  ...ts.convertCompilerOptionsFromJson(
    JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions,
    ROOT,
  ).options,
  noEmit: true,
  // The engine needs no DOM types, and parsing lib.dom.d.ts would be most of this test's time.
  lib: ['lib.es2023.d.ts'],
};

/** One compiler host for every run: unchanged files are parsed once and shared, so each check costs one file's worth of checking. */
const baseHost = ts.createCompilerHost(options, true);
const parsed = new Map<string, ts.SourceFile | undefined>();
const overrides = new Map<string, string>();
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion, onError, shouldCreate) {
    const override = overrides.get(resolve(fileName));
    if (override !== undefined) return ts.createSourceFile(fileName, override, languageVersion, true);
    if (!parsed.has(fileName))
      parsed.set(fileName, baseHost.getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return parsed.get(fileName);
  },
  readFile(fileName) {
    return overrides.get(resolve(fileName)) ?? baseHost.readFile(fileName);
  },
};

let previous: ts.Program | undefined;

/** The errors the compiler reports in `file` (relative to the repository) when its text is `text`. */
function errorsIn(file: string, text?: string): string[] {
  const path = join(ROOT, file);
  overrides.clear();
  if (text !== undefined) overrides.set(path, text);
  const program = ts.createProgram([path], options, host, previous);
  previous = text === undefined ? program : previous;
  const source = program.getSourceFile(path)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('a table keyed by primitive with one entry removed fails the type check', () => {
  const files = [...new Set(TABLES.map((t) => t.file))];
  it.each(files.map((f) => [f]))('%s type-checks clean as it is', (file) => {
    expect(errorsIn(file)).toEqual([]);
  });

  it.each(TABLES.map((t) => [t.table, t]))('%s', (_table, { file, entry, remove }) => {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    const at = lines.flatMap((line, i) => (entry.test(line) ? [i] : []));
    expect(at, `exactly one line of ${file} matches ${entry}`).toHaveLength(1);
    const edited = [...lines];
    if (remove) edited[at[0]!] = remove(lines[at[0]!]!);
    else edited.splice(at[0]!, 1);
    expect(
      errorsIn(file, edited.join('\n')).length,
      `removing "${lines[at[0]!]!.trim()}" from ${file}`,
    ).toBeGreaterThan(0);
  });
});
