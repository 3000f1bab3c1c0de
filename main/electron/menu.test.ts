import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { menuTemplate, recentLabel, type MenuItemSpec } from './menu.js';

const flatten = (items: MenuItemSpec[]): MenuItemSpec[] =>
  items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);
const menu = (items: MenuItemSpec[], label: string) => items.find((i) => i.label === label)?.submenu ?? [];

describe('the application menu', () => {
  it('on macOS opens with the application menu, and keeps About there', () => {
    const mac = menuTemplate('darwin');
    expect(mac[0]).toEqual({ role: 'appMenu' });
    expect(flatten(mac).some((i) => i.action?.kind === 'about')).toBe(false);
    for (const platform of ['linux', 'win32'] as const) {
      const items = menuTemplate(platform);
      expect(items[0]!.label).toBe('File');
      expect(items.some((i) => i.role === 'appMenu')).toBe(false);
      expect(menu(items, 'Help').some((i) => i.action?.kind === 'about')).toBe(true);
    }
  });

  it('has File ▸ Open… and Open Recent with the recent files, most recent first, and a way to clear them', () => {
    const file = menu(
      menuTemplate('linux', { recent: ['/home/t/week3/lesson.vlab.json', '/home/t/a.vlab.json'] }),
      'File',
    );
    expect(file[0]).toMatchObject({ label: 'Open…', accelerator: 'CmdOrCtrl+O', action: { kind: 'open-document' } });
    const recent = file.find((i) => i.label === 'Open Recent')!.submenu!;
    expect(recent.map((i) => i.label ?? i.type)).toEqual([
      'lesson.vlab.json — /home/t/week3',
      'a.vlab.json — /home/t',
      'separator',
      'Clear Menu',
    ]);
    expect(recent[0]!.action).toEqual({ kind: 'open-recent', path: '/home/t/week3/lesson.vlab.json' });
    expect(recent.at(-1)!.action).toEqual({ kind: 'clear-recent' });
    const empty = menu(menuTemplate('linux'), 'File').find((i) => i.label === 'Open Recent')!.submenu!;
    expect(empty).toEqual([{ label: 'No Recent Documents', enabled: false }]);
    expect(recentLabel('/x/y.vlab.json')).toBe('y.vlab.json — /x');
  });

  it('opens the bundled guide from Help, in the app (a lab command, not a link)', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const help = menu(menuTemplate(platform), 'Help');
      expect(help[0]).toMatchObject({ command: 'open-guide', accelerator: 'F1' });
      expect(flatten(help).every((i) => i.command || i.action || i.type)).toBe(true);
    }
  });
});

describe('the bundled guide', () => {
  it("lists every shortcut of the menu with the menu's own keys, and no other", () => {
    const guide = JSON.parse(readFileSync(new URL('../../assets/guide/en.json', import.meta.url), 'utf8')) as {
      shortcuts: { command: string; keys: string }[];
    };
    for (const platform of ['linux', 'darwin'] as const) {
      const fromMenu = flatten(menuTemplate(platform))
        .filter((i) => i.command && i.accelerator)
        .map((i) => ({ command: i.command, keys: i.accelerator }));
      expect(
        guide.shortcuts
          .map(({ command, keys }) => ({ command, keys }))
          .sort((a, b) => a.command.localeCompare(b.command)),
      ).toEqual(fromMenu.sort((a, b) => a.command!.localeCompare(b.command!)));
    }
  });
});
