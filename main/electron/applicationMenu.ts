// Turns the menu's data (menu.ts) into Electron's menu and installs it: a
// lab command goes to the window as a 'menu:command' event, a main action
// to its handler. Called again whenever the menu's state changes (the
// recent documents), since Electron's menus are rebuilt, not edited.

import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../contract.js';
import { menuTemplate, type MainAction, type MenuItemSpec, type MenuState } from './menu.js';

export interface MenuHandlers {
  command(command: MenuCommand): void;
  action(action: MainAction): void;
}

export function toElectronMenu(items: MenuItemSpec[], handlers: MenuHandlers): MenuItemConstructorOptions[] {
  return items.map(({ command, action, submenu, ...item }): MenuItemConstructorOptions => ({
    ...item,
    ...(submenu ? { submenu: toElectronMenu(submenu, handlers) } : {}),
    ...(command ? { click: () => handlers.command(command) } : {}),
    ...(action ? { click: () => handlers.action(action) } : {}),
  }));
}

export function installApplicationMenu(
  state: MenuState,
  handlers: MenuHandlers,
  platform: NodeJS.Platform = process.platform,
): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronMenu(menuTemplate(platform, state), handlers)));
}
