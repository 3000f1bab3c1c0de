// The packaged app, assembled by electron-builder from electron-builder.yml
// (assemble.ts) and started from its own files only — in a folder outside
// the clone, where no node_modules but its own can be found: the web shell
// serves the page, `vlab run` runs every strategy the clone can, and the
// compiled Electron main process loads the window's app:// content. A file
// the app loads, dropped from `files`, fails these checks (the last test).
// Run by `npm run test:package` (dist/ built first).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCurrentFuseWire } from '@electron/fuses';
import { assembleApp, builderConfig, repoRoot, type AssembledApp } from './assemble.js';
import { fileArch } from './binaryArch.mjs';

const ALL_STRATEGIES = 'loops,naive,meshgrid,meshgrid-eager,vmap,pmap,gpu';
const ADDON = 'compute/native/build/Release/vlab_native.node';

let work: string;
let packaged: AssembledApp;

/**
 * The top-level names of the production dependency tree, as package-lock.json
 * records it. A devOptional package (a development tool that is also an
 * optional peer of a production one) is not one: electron-builder rightly
 * leaves it out, as nothing the app runs imports it.
 */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const names = Object.entries(lock.packages)
    .filter(
      ([path, entry]) =>
        path.startsWith('node_modules/') && !path.includes('/node_modules/', 1) && !entry.dev && !entry.devOptional,
    )
    .map(([path]) => path.slice('node_modules/'.length).split('/')[0]!);
  return [...new Set(names)].sort();
}

/** A clean environment: nothing that points the app at the clone. */
function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'DISPLAY', 'XDG_RUNTIME_DIR'];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
    ...extra,
  };
}

function runNode(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `vlab run` over every strategy: exit code and which backend ran each. */
async function runEveryStrategy(appDir: string): Promise<{ code: number | null; ran: string[]; stderr: string }> {
  const dataDir = await mkdtemp(join(work, 'data-'));
  const result = await runNode(
    appDir,
    ['dist/cli/vlab.js', 'run', '--n', '300', '--strategies', ALL_STRATEGIES, '--json'],
    isolatedEnv({ VLAB_DATA_DIR: dataDir }),
  );
  let ran: string[] = [];
  try {
    ran = (JSON.parse(result.stdout) as { records: { strategy: string; backend: string }[] }).records.map(
      (r) => `${r.strategy}:${r.backend}`,
    );
  } catch {
    // No JSON: the run was refused; the exit code and stderr say why.
  }
  return { code: result.code, ran, stderr: result.stderr };
}

/** The main-process tests' stand-in Electron, compiled into the tree as its `electron` package. */
async function installStandInElectron(appDir: string): Promise<void> {
  const dir = join(appDir, 'node_modules', 'electron');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'electron', version: '0.0.0-stand-in', type: 'module', main: 'index.mjs' }),
  );
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'electronStandInPackage.ts')],
    outfile: join(dir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
}

async function copyOutside(app: AssembledApp, name: string): Promise<string> {
  const dir = join(work, name);
  await cp(app.appDir, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vlab-package-'));
  packaged = await assembleApp(join(work, 'full'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packaged app (electron-builder --dir, started without Electron)', () => {
  it('holds the compiled app and production dependencies only', () => {
    const files = packaged.asarFiles;
    for (const entry of [
      'package.json',
      'dist/main/main.js',
      'dist/main/preload.cjs',
      'dist/engine/worker.js',
      'dist/web/start.js',
      'dist/cli/vlab.js',
      'dist/renderer/index.html',
    ]) {
      expect(files, entry).toContain(entry);
    }
    const ours = files.filter((f) => !f.startsWith('node_modules/'));
    expect(ours.filter((f) => /\.(ts|mts|map)$/.test(f))).toEqual([]);
    const packages = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
    for (const devOnly of [
      'tsx',
      'esbuild',
      '@esbuild',
      'vite',
      'typescript',
      'electron',
      'node-addon-api',
      'vitest',
      'svelte',
      'three',
    ]) {
      expect(packages.has(devOnly), devOnly).toBe(false);
    }
    expect([...packages].sort()).toEqual(productionPackages());
    // Dawn for this platform only.
    const dawn = files.filter((f) => f.startsWith('node_modules/webgpu/dist/')).map((f) => f.split('/')[3]);
    expect(new Set(dawn)).toEqual(new Set([`${process.platform}-${process.arch}`]));
  });

  it('unpacks from the asar only what must be a real file: the addon and Dawn', () => {
    expect(packaged.unpackedFiles).toContain(ADDON);
    // This machine's addon, built for it (the beforePack hook checks the header, and so does this test).
    expect(fileArch(join(packaged.appDir, ADDON))).toMatchObject({ format: 'elf', arch: process.arch });
    expect(
      packaged.unpackedFiles.filter(
        (f) => f !== ADDON && !f.startsWith(`node_modules/webgpu/dist/${process.platform}-${process.arch}/`),
      ),
    ).toEqual([]);
  });

  it('flips the Electron fuses electron-builder.yml sets (checklist item 19)', async () => {
    const wire = await getCurrentFuseWire(packaged.executable);
    const ENABLE = 49;
    const DISABLE = 48;
    expect(wire).toMatchObject({
      0: DISABLE, // RunAsNode
      1: ENABLE, // cookie encryption
      2: DISABLE, // NODE_OPTIONS
      3: DISABLE, // --inspect arguments
      4: ENABLE, // embedded asar integrity validation
      5: ENABLE, // only load the app from the asar
      7: DISABLE, // file:// extra privileges
    });
  });

  it('starts the web shell and serves the page, its script and its fonts', async () => {
    const appDir = await copyOutside(packaged, 'web');
    const dataDir = await mkdtemp(join(work, 'data-'));
    const child = spawn(process.execPath, ['dist/web/start.js'], {
      cwd: appDir,
      env: isolatedEnv({ VLAB_NO_BROWSER: '1', VLAB_DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no address within 20 s: ${out}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          const match = /VLAB_URL=(\S+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`the web shell exited (${code}): ${out}`)));
      });
      const first = await fetch(url, { redirect: 'manual' });
      expect(first.status).toBe(303);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      const origin = new URL(url).origin;
      const get = (path: string) => fetch(new URL(path, origin), { headers: { cookie } });
      const page = await get('/');
      expect(page.status).toBe(200);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
      let fonts = 0;
      for (const asset of assets) {
        const response = await get(asset);
        expect(response.status, asset).toBe(200);
        if (asset.endsWith('.css')) {
          for (const m of (await response.text()).matchAll(/url\(([^)]+\.woff2)\)/g)) {
            const font = await get(new URL(m[1]!.replace(/["']/g, ''), new URL(asset, origin)).pathname);
            expect(font.status, m[1]).toBe(200);
            fonts++;
          }
        }
      }
      expect(fonts).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('runs every strategy the clone can, on the same backends', async () => {
    const inClone = await runEveryStrategy(repoRoot);
    const appDir = await copyOutside(packaged, 'cli');
    const inPackage = await runEveryStrategy(appDir);
    expect(inPackage.stderr).not.toMatch(/Error:|cannot find/i);
    expect(inPackage.code).toBe(inClone.code);
    expect(inPackage.ran).toEqual(inClone.ran);
    expect(inClone.ran.length).toBeGreaterThanOrEqual(5);
  });

  it('starts the compiled Electron main process: the window loads app:// content from the package', async () => {
    const appDir = await copyOutside(packaged, 'electron');
    // What Electron's binary provides as a built-in module, provided here as a package.
    await installStandInElectron(appDir);
    const report = join(work, 'electron-report.json');
    const dataDir = await mkdtemp(join(work, 'data-'));
    const result = await runNode(
      appDir,
      ['dist/main/main.js'],
      isolatedEnv({ VLAB_STAND_IN_REPORT: report, VLAB_STAND_IN_APP_ROOT: appDir, VLAB_DATA_DIR: dataDir }),
    );
    const seen = JSON.parse(await readFile(report, 'utf8')) as {
      error?: string;
      loaded: string[];
      preloadExists: boolean;
      webPreferences: Record<string, unknown>;
      page: { status: number; type: string };
      loads: { url: string; status: number }[];
      info: { availability: { strategy: string; available: boolean }[] };
      engineProcesses: number;
    };
    expect(seen.error, result.stderr).toBeUndefined();
    expect(result.code).toBe(0);
    expect(seen.loaded).toEqual(['app://lab/index.html']);
    expect(seen.preloadExists).toBe(true);
    expect(seen.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(seen.page).toMatchObject({ status: 200 });
    expect(seen.page.type).toMatch(/html/);
    expect(seen.loads.length).toBeGreaterThan(2);
    expect(seen.loads.filter((l) => l.status !== 200)).toEqual([]);
    expect(seen.loads.some((l) => l.url.endsWith('.woff2'))).toBe(true);
    // app:info comes from the engine, a (stand-in) utility process started from the package's dist/engine/worker.js.
    const available = seen.info.availability.filter((a) => a.available).map((a) => a.strategy);
    expect(available).toEqual(expect.arrayContaining(['vmap', 'meshgrid']));
    // Through Electron's utilityProcess.fork (RunAsNode is off: child_process.fork of the binary would not start Node).
    expect(seen.engineProcesses).toBeGreaterThanOrEqual(1);
  });

  it('fails when a file the app loads is dropped from files (the native addon)', async () => {
    const config = await builderConfig();
    const dropped = {
      ...config,
      files: config.files.filter((f) => typeof f === 'string' || !f.filter?.includes('vlab_native.node')),
    };
    expect(dropped.files.length).toBe(config.files.length - 1);
    const broken = await assembleApp(join(work, 'broken'), dropped);
    expect(broken.asarFiles).not.toContain(ADDON);
    const appDir = await copyOutside(broken, 'broken-cli');
    const inClone = await runEveryStrategy(repoRoot);
    const inPackage = await runEveryStrategy(appDir);
    // The check the package must pass now fails: pmap is unavailable, vmap falls back to js.
    expect(inPackage.code === inClone.code && JSON.stringify(inPackage.ran) === JSON.stringify(inClone.ran)).toBe(
      false,
    );
    expect(inPackage.stderr).toMatch(/native addon is not built|pmap is unavailable/);
  });
});
