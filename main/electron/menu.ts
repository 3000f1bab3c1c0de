// The application menu: the lab's commands with the usual shortcuts, sent to
// the window as 'menu:command' events (the renderer acts on them exactly as
// on its buttons), plus the platform's standard Edit and Window menus.
// Pure data, so the shortcuts are tested without Electron.

import type { MenuCommand } from '../contract.js';

export interface MenuItemSpec {
  label?: string;
  accelerator?: string;
  command?: MenuCommand;
  role?: 'quit' | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'minimize' | 'close' | 'togglefullscreen' | 'about' | 'zoomIn' | 'zoomOut' | 'resetZoom';
  type?: 'separator';
  submenu?: MenuItemSpec[];
}

export function menuTemplate(platform: NodeJS.Platform = process.platform): MenuItemSpec[] {
  const separator: MenuItemSpec = { type: 'separator' };
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Export Results as CSV…', accelerator: 'CmdOrCtrl+S', command: 'export-results' },
        { label: 'Export Grid as CSV…', accelerator: 'CmdOrCtrl+Shift+S', command: 'export-grid' },
        { label: 'Export Surface as PNG…', accelerator: 'CmdOrCtrl+Shift+E', command: 'export-png' },
        separator,
        { role: platform === 'darwin' ? 'close' : 'quit', label: platform === 'darwin' ? 'Close Window' : 'Quit', accelerator: platform === 'darwin' ? 'Cmd+W' : 'Ctrl+Q' },
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
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
        separator,
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'resetZoom', accelerator: 'CmdOrCtrl+Alt+0' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Window', submenu: [{ role: 'minimize' }, ...(platform === 'darwin' ? [] : [{ role: 'close' } as MenuItemSpec])] },
  ];
}
