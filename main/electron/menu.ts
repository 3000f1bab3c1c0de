// The application menu: the lab's commands with the usual shortcuts, sent to
// the window as 'menu:command' events (the renderer acts on them exactly as
// on its buttons); the desktop's own actions (File ▸ Open…, Open Recent, About)
// that main answers itself; and the platform's standard menus — on macOS the
// application menu first (About, Services, Hide, Quit), as every Mac app has.
// Pure data, so the shortcuts are tested without Electron.

import { basename, dirname } from 'node:path';
import type { MenuCommand } from '../contract.js';

/** What main does itself when an item is clicked. */
export type MainAction =
  { kind: 'open-document' } | { kind: 'open-recent'; path: string } | { kind: 'clear-recent' } | { kind: 'about' };

export interface MenuItemSpec {
  label?: string;
  accelerator?: string;
  /** Sent to the renderer. */
  command?: MenuCommand;
  /** Answered in main. */
  action?: MainAction;
  role?:
    | 'appMenu'
    | 'quit'
    | 'undo'
    | 'redo'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'minimize'
    | 'close'
    | 'togglefullscreen'
    | 'zoomIn'
    | 'zoomOut'
    | 'resetZoom'
    | 'front';
  type?: 'separator';
  enabled?: boolean;
  submenu?: MenuItemSpec[];
}

/** What the menu shows that changes while the app runs. */
export interface MenuState {
  /** Recent `.vlab.json` files, most recent first. */
  recent: readonly string[];
}

/** "lesson.vlab.json — ~/classes/week3": the name first, where it lives after. */
export function recentLabel(path: string): string {
  return `${basename(path)} — ${dirname(path)}`;
}

export function menuTemplate(
  platform: NodeJS.Platform = process.platform,
  state: MenuState = { recent: [] },
): MenuItemSpec[] {
  const separator: MenuItemSpec = { type: 'separator' };
  const mac = platform === 'darwin';
  const recent: MenuItemSpec[] = state.recent.length
    ? [
        ...state.recent.map((path): MenuItemSpec => ({
          label: recentLabel(path),
          action: { kind: 'open-recent', path },
        })),
        separator,
        { label: 'Clear Menu', action: { kind: 'clear-recent' } },
      ]
    : [{ label: 'No Recent Documents', enabled: false }];
  return [
    // On macOS the first menu is the application's, whatever its label: Electron fills it (About, Services, Hide,
    // Quit).
    ...(mac ? [{ role: 'appMenu' } as MenuItemSpec] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', action: { kind: 'open-document' } },
        { label: 'Open Recent', submenu: recent },
        { label: 'Save Settings…', accelerator: 'CmdOrCtrl+Alt+S', command: 'save-settings' },
        separator,
        { label: 'Export Results as CSV…', accelerator: 'CmdOrCtrl+S', command: 'export-results' },
        { label: 'Export Grid as CSV…', accelerator: 'CmdOrCtrl+Shift+S', command: 'export-grid' },
        { label: 'Export Surface as PNG…', accelerator: 'CmdOrCtrl+Shift+E', command: 'export-png' },
        separator,
        { role: mac ? 'close' : 'quit', label: mac ? 'Close Window' : 'Quit', accelerator: mac ? 'Cmd+W' : 'Ctrl+Q' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'Run',
      submenu: [
        { label: 'Run Selected Strategies', accelerator: 'CmdOrCtrl+Enter', command: 'run' },
        { label: 'Cancel Run', accelerator: 'Escape', command: 'cancel' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Reset Surface View', accelerator: 'CmdOrCtrl+0', command: 'reset-view' },
        { label: 'Projector Mode', accelerator: 'CmdOrCtrl+Shift+P', command: 'toggle-projector' },
        { label: 'Presenter Layout', accelerator: 'CmdOrCtrl+Shift+L', command: 'toggle-presenter' },
        separator,
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'resetZoom', accelerator: 'CmdOrCtrl+Alt+0' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      submenu: mac ? [{ role: 'minimize' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'Vectorization Lab Guide', accelerator: 'F1', command: 'open-guide' },
        // macOS has About in the application menu.
        ...(mac ? [] : [separator, { label: 'About Vectorization Lab', action: { kind: 'about' } } as MenuItemSpec]),
      ],
    },
  ];
}
