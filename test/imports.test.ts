// The layering ARCHITECTURE.md draws, held by a test rather than by review:
// compute/ imports point down its layers, no product module is part of an
// import cycle, compute/ never reaches into main/ or renderer/, the renderer
// takes from compute/ only types and import-free leaves and from main/ only
// the contract and the wire codec, and no product code imports test tooling.
// Imports are read as text (static `import`/`export … from` and `import()`
// with a relative or package specifier); `import type` is compile-time only
// and may point anywhere a type is defined, except across the rules above.
// The renderer's first chunk stays free of three.js: the 3D view's code is
// loaded with import() (Surface.svelte), so the page connects without it.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** compute/'s layers, lowest first: a module may import (values from) its own layer or one below. */
const COMPUTE_LAYERS: readonly (readonly string[])[] = [
  ['compute/limits.ts', 'compute/appRoot.ts', 'compute/dataDir.ts', 'compute/report/figures.ts'],
  ['compute/core/'],
  ['compute/schema/'],
  ['compute/backends/'],
  ['compute/ops.ts'],
  ['compute/transforms/'],
  ['compute/formula/'],
  ['compute/strategies/', 'compute/peers/', 'compute/bench/', 'compute/machine/'],
  ['compute/classroom/', 'compute/report/'],
  ['compute/cli/', 'compute/index.ts', 'compute/leaves.ts'],
];

/**
 * main/'s two doors into compute/ (ARCHITECTURE's layering): the engine's one entry point, and the small
 * entry of leaf modules for the main process's bundle, which must stay free of the engine.
 */
const MAIN_COMPUTE_ENTRIES = ['compute/index.ts', 'compute/leaves.ts'];
/** What the leaf entry must never reach, by value: arrays, tracing, formulas, backends' code, strategies' code. */
const ENGINE_MODULES =
  /^compute\/(core\/(ndarray|trace|allocator|creation)|transforms\/|formula\/|ops\.ts|backends\/(?!backend\.ts)|strategies\/(?!types\.ts|recordSchema\.ts|calibrationSchema\.ts|checkedRequest\.ts))/;

/** What the renderer may import values from outside renderer/: Node-free modules with no imports of their own but types. */
const RENDERER_VALUE_IMPORTS = [
  'main/contract.ts',
  'main/wire.ts',
  'main/labError.ts',
  'compute/limits.ts',
  'compute/report/figures.ts',
  'compute/strategies/decimate.ts',
  'compute/strategies/pointsEvaluated.ts',
];

interface Import {
  from: string;
  /** A repository path for a relative specifier, else the package name. */
  to: string;
  typeOnly: boolean;
  /** An `import()`: loaded when the code runs, in a chunk of its own in the renderer's build. */
  dynamic: boolean;
}

const isTest = (file: string) => /\.test\.ts$|\.typecheck\.|^test\/|^e2e\//.test(file);

function productFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '-co', '--exclude-standard', 'compute', 'main', 'renderer/src', 'bin'],
    { cwd: root, encoding: 'utf8' },
  );
  return listed
    .split('\n')
    .filter(
      (file) => /\.(ts|mts|svelte)$/.test(file) && !file.endsWith('.d.ts') && !file.endsWith('.d.mts') && !isTest(file),
    )
    .filter((file) => !file.startsWith('main/packaging/'));
}

const IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[2] ?? match[3]!;
    const to = specifier.startsWith('.')
      ? normalize(join(dirname(file), specifier))
          .replace(/\.js$/, '.ts')
          .replace(/\.mjs$/, '.mts')
      : specifier;
    return {
      from: file,
      to: specifier.startsWith('.') && !/\.\w+$/.test(to) ? `${to}.ts` : to,
      typeOnly: match[1] !== undefined,
      dynamic: match[3] !== undefined,
    };
  });
}

function computeLayer(file: string): number {
  let best = -1;
  let longest = 0;
  COMPUTE_LAYERS.forEach((prefixes, layer) => {
    for (const prefix of prefixes) {
      if ((file === prefix || file.startsWith(prefix)) && prefix.length > longest) {
        best = layer;
        longest = prefix.length;
      }
    }
  });
  return best;
}

const files = productFiles();
const imports = files.flatMap(importsOf);

describe('imports point down', () => {
  it('reads the product tree (a broken reader would pass every rule)', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(imports.filter((i) => i.to.startsWith('compute/')).length).toBeGreaterThan(300);
    expect(importsOf('main/contract.ts').some((i) => i.typeOnly && i.to === 'compute/leaves.ts')).toBe(true);
  });

  it('places every compute module in a layer, and each imports only its own layer or below', () => {
    const unplaced = files.filter(
      (f) => f.startsWith('compute/') && /\.ts$/.test(f) && computeLayer(f) < 0 && !f.startsWith('compute/native/'),
    );
    expect(unplaced, 'compute modules outside every layer: add their folder to COMPUTE_LAYERS').toEqual([]);
    const upward = imports
      .filter(
        (i) =>
          !i.typeOnly &&
          i.from.startsWith('compute/') &&
          i.to.startsWith('compute/') &&
          computeLayer(i.to) > computeLayer(i.from),
      )
      .map((i) => `${i.from} → ${i.to}`);
    expect(upward).toEqual([]);
  });

  it('has no import cycle among product modules', () => {
    const graph = new Map<string, string[]>();
    for (const i of imports)
      if (!i.typeOnly && files.includes(i.to)) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps compute/ free of main/ and renderer/', () => {
    const reaching = imports
      .filter((i) => i.from.startsWith('compute/') && /^(main|renderer)\//.test(i.to))
      .map((i) => `${i.from} → ${i.to}`);
    expect(reaching).toEqual([]);
  });

  it('lets the renderer import values only from the contract, the wire codec and compute’s leaves', () => {
    const outside = imports
      .filter(
        (i) =>
          i.from.startsWith('renderer/') &&
          /^(main|compute)\//.test(i.to) &&
          !i.typeOnly &&
          !RENDERER_VALUE_IMPORTS.includes(i.to),
      )
      .map((i) => `${i.from} → ${i.to}`);
    expect(outside).toEqual([]);
    // And those modules stay Node-free: they import nothing but types.
    for (const leaf of RENDERER_VALUE_IMPORTS)
      expect(
        importsOf(leaf).filter((i) => !i.typeOnly),
        leaf,
      ).toEqual([]);
  });

  it('lets main/ reach compute/ only through compute/index.ts and the leaf entry compute/leaves.ts', () => {
    const past = imports
      .filter((i) => i.from.startsWith('main/') && i.to.startsWith('compute/') && !MAIN_COMPUTE_ENTRIES.includes(i.to))
      .map((i) => `${i.from} → ${i.to}`);
    expect(past).toEqual([]);
  });

  it('keeps the leaf entry free of the engine: nothing it loads reaches arrays, formulas, backends or strategies', () => {
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const i of importsOf(file)) if (!i.typeOnly && i.to.startsWith('compute/')) visit(i.to);
    };
    visit('compute/leaves.ts');
    expect(loaded.size).toBeGreaterThan(5);
    expect([...loaded].filter((file) => ENGINE_MODULES.test(file))).toEqual([]);
  });

  it('keeps three.js out of what the renderer loads first: only an import() reaches it', () => {
    /** The product modules `entry` loads through the imports `follow` takes, and 'three' where one is three.js. */
    const reached = (entry: string, follow: (i: Import) => boolean) => {
      const loaded = new Set<string>();
      const visit = (file: string) => {
        if (loaded.has(file)) return;
        loaded.add(file);
        for (const i of importsOf(file)) {
          if (i.typeOnly || !follow(i)) continue;
          if (i.to === 'three' || i.to.startsWith('three/')) loaded.add('three');
          else if (files.includes(i.to)) visit(i.to);
        }
      };
      visit(entry);
      return loaded;
    };
    const first = reached('renderer/src/main.ts', (i) => !i.dynamic);
    expect(first.has('renderer/src/components/Surface.svelte')).toBe(true);
    expect(first.has('three')).toBe(false);
    // And the reader sees three.js where it is: the whole renderer, dynamic imports followed, reaches it.
    expect(reached('renderer/src/main.ts', () => true).has('three')).toBe(true);
  });

  it('never imports test tooling into product code', () => {
    const tooling = imports
      .filter(
        (i) =>
          /^test\/|^e2e\//.test(i.to) || ['vitest', 'fast-check', '@playwright/test', 'playwright-core'].includes(i.to),
      )
      .map((i) => `${i.from} → ${i.to}`);
    expect(tooling).toEqual([]);
  });
});
