import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
// electron-builder's configuration schema (app-builder-lib 26.17.0's scheme.json), kept here so the check runs offline.
const schema = JSON.parse(readFileSync(join(root, 'main', 'packaging', 'electron-builder-scheme.json'), 'utf8')) as object;
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
};

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

  it('builds AppImage and deb, dmg and NSIS installers', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
  });

  it('unpacks the native addon from the asar and ships every offline asset', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('compute/native/build/Release/*.node');
    expect(config.files).toContain('assets/**');
    expect(config.files).toContain('dist/renderer/**');
    expect(existsSync(join(root, 'assets', 'fonts'))).toBe(true);
    expect(existsSync(join(root, 'compute', 'native', 'binding.gyp'))).toBe(true);
  });

  it('starts the main process the build writes', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; devDependencies: Record<string, string> };
    expect(pkg.main).toBe('dist/main/main.js');
    expect(config.files).toContain('dist/main/**');
    expect(pkg.devDependencies.electron).toBeTruthy();
  });
});
