import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot, appVersion, findAppRoot, unpackedRoot } from './appRoot.js';

describe('the app root', () => {
  it("is the folder of the lab's package.json, found from any folder below it", () => {
    const root = mkdtempSync(join(tmpdir(), 'vlab-root-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'vectorization-lab', version: '9.8.7' }));
    mkdirSync(join(root, 'dist', 'engine'), { recursive: true });
    // A package.json of another package in between is climbed over.
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ name: 'something-else' }));
    expect(findAppRoot(join(root, 'dist', 'engine'))).toBe(root);
    expect(appVersion(root)).toBe('9.8.7');
    expect(findAppRoot(tmpdir())).toBeNull();
  });

  it('is this checkout when run from source, and VLAB_APP_ROOT overrides it', () => {
    expect(appVersion(appRoot())).toMatch(/^\d+\.\d+\.\d+/);
    expect(appRoot({ VLAB_APP_ROOT: '/opt/lab' })).toBe('/opt/lab');
  });

  it('puts the natives of a packaged app beside its asar', () => {
    expect(unpackedRoot('/opt/Vectorization Lab/resources/app.asar')).toBe(
      '/opt/Vectorization Lab/resources/app.asar.unpacked',
    );
    expect(unpackedRoot('/home/me/lab')).toBe('/home/me/lab');
    expect(unpackedRoot('/home/me/app.asarx')).toBe('/home/me/app.asarx');
  });
});
