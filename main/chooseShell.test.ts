import { describe, expect, it } from 'vitest';
import { chooseShell, electronBinary } from './chooseShell.mjs';

describe('which window npm start opens', () => {
  it('is Electron where its binary is installed, else the web shell', () => {
    expect(chooseShell(undefined, '/opt/electron/electron')).toEqual({
      shell: 'electron',
      binary: '/opt/electron/electron',
    });
    expect(chooseShell(undefined, null)).toEqual({ shell: 'web' });
  });

  it('follows VLAB_SHELL, and says why it cannot', () => {
    expect(chooseShell('web', '/opt/electron/electron')).toEqual({ shell: 'web' });
    expect(chooseShell('electron', null)).toMatchObject({ shell: null, error: expect.stringMatching(/not installed/) });
    expect(chooseShell('qt', null)).toMatchObject({
      shell: null,
      error: expect.stringMatching(/must be web or electron/),
    });
  });

  it('finds no binary when the electron package throws (its download failed) or names a missing file', () => {
    const throws = (() => {
      throw new Error('Electron failed to install correctly');
    }) as unknown as NodeRequire;
    expect(electronBinary(throws)).toBeNull();
    const names = (() => '/nowhere/electron') as unknown as NodeRequire;
    expect(electronBinary(names, () => false)).toBeNull();
    expect(electronBinary(names, () => true)).toBe('/nowhere/electron');
  });
});
