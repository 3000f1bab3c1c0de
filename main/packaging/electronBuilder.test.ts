import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
// electron-builder's own configuration schema, from the pinned devDependency.
const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
type Target = { target: string; arch: string[] };
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  files: (string | { from: string; to: string; filter: string[] })[];
  asarUnpack: string[];
  beforePack: string;
  linux: { target: Target[] };
  mac: { target: Target[] };
  win: { target: Target[] };
};

/** Each target's architectures, as `name: arch, arch`. */
const targets = (list: Target[]) => list.map((t) => `${t.target}: ${[...t.arch].sort().join(', ')}`);

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's configuration schema", () => {
    const validate = validator();
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check is real: it refuses what electron-builder would', () => {
    const validate = validator();
    expect(validate({ ...config, linux: { target: ['AppImage'], notAnOption: true } })).toBe(false);
    expect(validate({ ...config, asar: 'sometimes' })).toBe(false);
    expect(validate({ ...config, nsis: { oneClick: 'no' } })).toBe(false);
  });

  it('builds AppImage and deb, dmg and NSIS installers, each for x64 and arm64', () => {
    expect(targets(config.linux.target)).toEqual(['AppImage: arm64, x64', 'deb: arm64, x64']);
    expect(targets(config.mac.target)).toEqual(['dmg: arm64, x64']);
    expect(targets(config.win.target)).toEqual(['nsis: arm64, x64']);
  });

  it('gives each package the addon built for its platform and architecture, where the engine loads it', () => {
    const addon = config.files.filter((f) => typeof f !== 'string');
    expect(addon).toEqual([
      {
        from: 'build/native/prebuilds/${os}-${arch}',
        to: 'compute/native/build/Release',
        filter: ['vlab_native.node'],
      },
    ]);
    expect(config.files).not.toContain('compute/native/build/Release/vlab_native.node');
    // The hook that builds it (a cross build where needed) and checks its header: a module electron-builder can import.
    expect(config.beforePack).toBe('./main/packaging/addonForArch.mjs');
    expect(readFileSync(join(root, config.beforePack), 'utf8')).toMatch(/export async function beforePack/);
  });

  it('unpacks the native addon from the asar and ships every offline asset', () => {
    expect(config.asar).toEqual({ smartUnpack: false });
    expect(config.asarUnpack).toEqual(['build/native/prebuilds/*/vlab_native.node', 'node_modules/webgpu/dist/**']);
    expect(config.files).toContain('assets/**');
    expect(config.files).toContain('dist/**');
    expect(config.files).toContain('!dist/**/*.map');
    expect(existsSync(join(root, 'assets', 'fonts'))).toBe(true);
    expect(existsSync(join(root, 'compute', 'native', 'binding.gyp'))).toBe(true);
  });

  it('starts the main process the build writes', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      main: string;
      devDependencies: Record<string, string>;
    };
    expect(pkg.main).toBe('dist/main/main.js');
    expect(pkg.devDependencies.electron).toBeTruthy();
    // Pinned: the packaging a release gets is the one tested.
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("sets the Electron fuses of the security checklist's item 19", () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('states its publish setting and keeps the default deb dependencies', () => {
    expect(config).toHaveProperty('publish', null);
    expect((config.deb as { depends?: unknown } | undefined)?.depends).toBeUndefined();
  });

  it('points each OS at an icon in its own format', () => {
    const icons = config as unknown as { linux: { icon: string }; mac: { icon: string }; win: { icon: string } };
    expect(existsSync(join(root, icons.linux.icon, '512x512.png'))).toBe(true);
    expect(existsSync(join(root, icons.linux.icon, '256x256.png'))).toBe(true);
    expect(readFileSync(join(root, icons.mac.icon)).subarray(0, 4).toString('latin1')).toBe('icns');
    expect([...readFileSync(join(root, icons.win.icon)).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });
});
