import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { APP_ENTRY, appResponseHeaders, isAppUrl, isTrustedSender, resolveAppFile } from './security.js';
import { menuTemplate, type MenuItemSpec } from './menu.js';
import { CONTENT_SECURITY_POLICY } from '../csp.js';
import type { MenuCommand } from '../contract.js';
import { countChecklist } from '../../test/reliability/checklist.js';

countChecklist('electron-checklist');

const root = resolve('/srv/lab/dist/renderer');

// The window's preferences are checked where main.ts applies them (main.test.ts).
describe('the window', () => {
  it('answers IPC only for its own top frame on an app page', () => {
    expect(isTrustedSender(APP_ENTRY, true)).toBe(true);
    expect(isTrustedSender(APP_ENTRY, false)).toBe(false);
    expect(isTrustedSender('https://example.org/', true)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', true)).toBe(false);
    expect(isTrustedSender('app://other/index.html', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });
});

describe('the app:// protocol', () => {
  it('serves files of the built renderer', () => {
    expect(resolveAppFile(root, 'app://lab/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://lab/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://lab/assets/index-1.js?x=1')).toBe(join(root, 'assets', 'index-1.js'));
  });

  it('refuses anything outside it', () => {
    // The URL parser already folds a literal '..' at the root: it stays inside.
    expect(resolveAppFile(root, 'app://lab/../../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppFile(root, 'app://lab/%2e%2e/%2e%2e/secret')).toBe(join(root, 'secret'));
    expect(resolveAppFile(root, 'app://lab/assets/%00.js')).toBeNull();
    expect(resolveAppFile(root, 'app://evil/index.html')).toBeNull();
    expect(resolveAppFile(root, 'https://lab/index.html')).toBeNull();
    expect(resolveAppFile(root, 'not a url')).toBeNull();
    expect(isAppUrl('app://lab/index.html')).toBe(true);
  });

  it('never names a file outside the renderer, whatever the path', () => {
    const pieces = ['..', '%2e%2e', '..%2f', '..%5c', '%2f', 'assets', 'a%00b', '.', '%2e', '\\', 'x'];
    for (let k = 0; k < 2000; k++) {
      const path = Array.from(
        { length: 1 + (k % 6) },
        (_, j) => pieces[(k * 7 + j * 13 + (k >> 3)) % pieces.length],
      ).join('/');
      const file = resolveAppFile(root, `app://lab/${path}`);
      if (file !== null) expect(file.startsWith(root + '/')).toBe(true);
    }
  });

  it('sends the CSP and the right type with every file', () => {
    expect(appResponseHeaders('/x/index.html')).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    });
    expect(appResponseHeaders('/x/a.woff2')['Content-Type']).toBe('font/woff2');
  });
});

describe('the menu', () => {
  const flatten = (items: MenuItemSpec[]): MenuItemSpec[] =>
    items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);

  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`offers every lab command with a shortcut, none twice (${platform})`, () => {
      const items = flatten(menuTemplate(platform));
      const commands = items.filter((i) => i.command).map((i) => i.command);
      const wanted = Object.keys({
        run: true,
        cancel: true,
        'export-results': true,
        'export-grid': true,
        'export-png': true,
        'reset-view': true,
        'toggle-projector': true,
        'toggle-presenter': true,
        'save-settings': true,
        'open-guide': true,
      } satisfies Record<MenuCommand, true>);
      expect(new Set(commands)).toEqual(new Set(wanted));
      const accelerators = items.map((i) => i.accelerator).filter((a): a is string => a !== undefined);
      expect(new Set(accelerators).size).toBe(accelerators.length);
      for (const item of items.filter((i) => i.command)) expect(item.accelerator).toBeTruthy();
      expect(items.some((i) => i.role === 'quit' || i.role === 'close')).toBe(true);
    });
  }
});
