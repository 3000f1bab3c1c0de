// Assembles the packaged app the way a user gets it, here, where Electron's
// binary cannot be downloaded: electron-builder itself (`--dir`, from
// electron-builder.yml) packs dist/, the addon, assets/ and the production
// dependencies into app.asar, around a stand-in Electron distribution — a
// tiny executable carrying the fuse wire, so the configured fuses are really
// flipped and can be read back. The archive is then unpacked into one plain
// folder (app.asar + app.asar.unpacked merged) that Node can run from.
// Test tooling: never imported by the product.

import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** @electron/fuses' marker, followed by the wire's version (1), its length and one byte per fuse. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron 40's shipped wire: RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, asar only, V8
 * snapshot, file:// privileges.
 */
const SHIPPED_WIRE = '10110001';

export interface AssembledApp {
  /** electron-builder's unpacked output (linux-unpacked): the executable and resources/. */
  outDir: string;
  /** The executable electron-builder renamed and whose fuses it flipped. */
  executable: string;
  /** resources/app.asar and app.asar.unpacked, merged into one folder Node can run. */
  appDir: string;
  /** Every file in app.asar, and every file in app.asar.unpacked, relative to the app. */
  asarFiles: string[];
  unpackedFiles: string[];
}

/** An entry of electron-builder's `files`: a glob, or a folder copied to another place in the app. */
export type FilesEntry = string | { from: string; to: string; filter?: string[] };

/** electron-builder.yml as written, for a test to change one thing (drop one `files` entry). */
export async function builderConfig(): Promise<Record<string, unknown> & { files: FilesEntry[] }> {
  return parse(await readFile(join(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
    files: FilesEntry[];
  };
}

async function standInElectronDist(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, SHIPPED_WIRE.length]),
    Buffer.from(SHIPPED_WIRE),
  ]);
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in for the Electron binary"\nexit 0\n# '),
    wire,
    Buffer.from('\n'),
  ]);
  await writeFile(join(dir, 'electron'), script);
  await chmod(join(dir, 'electron'), 0o755);
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

/**
 * Packs the app into `workDir` with electron-builder (config: electron-builder.yml,
 * or `config` when a test changes it) for Linux on `arch` (its addon built for
 * it by the config's beforePack hook). dist/ must be built first.
 */
export async function assembleApp(
  workDir: string,
  config?: Record<string, unknown>,
  arch: 'x64' | 'arm64' = 'x64',
): Promise<AssembledApp> {
  const { build, Platform, Arch } = await import('electron-builder');
  const { extractAll, listPackage } = await import('@electron/asar');
  const electronDist = join(workDir, 'electron-dist');
  await standInElectronDist(electronDist);
  const base = config ?? (await builderConfig());
  const output = join(workDir, 'release');
  // A config object would be merged into electron-builder.yml (arrays joined),
  // so the changed copy is written out and given as the config file instead.
  const configFile = join(workDir, 'electron-builder.yml');
  await writeFile(
    configFile,
    stringify({ ...base, electronDist, directories: { ...(base.directories as object), output } }),
  );
  await build({
    projectDir: repoRoot,
    targets: Platform.LINUX.createTarget('dir', Arch[arch]),
    publish: 'never',
    config: configFile,
  });
  const outDir = join(output, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
  const resources = join(outDir, 'resources');
  const archive = join(resources, 'app.asar');
  const appDir = join(workDir, 'app');
  extractAll(archive, appDir);
  const unpacked = join(resources, 'app.asar.unpacked');
  const unpackedFiles = await listFiles(unpacked);
  if (unpackedFiles.length > 0) await cp(unpacked, appDir, { recursive: true });
  const asarFiles = listPackage(archive, { isPack: false })
    .map((p) => p.replace(/^[\\/]/, ''))
    .filter((p) => !p.endsWith('/'));
  const executable = join(
    outDir,
    (await readdir(outDir)).find((name) => name !== 'resources' && !name.includes('.')) ?? 'electron',
  );
  return { outDir, executable, appDir, asarFiles, unpackedFiles };
}
