// The Electron main process: one window on the app:// protocol, the menu,
// native save dialogs, and the contract's IPC, each request from a checked
// sender validated before the app service acts on it. The engine runs in
// worker threads behind LabService; this file only wires Electron to it.
// It never loads remote content and never lets the page navigate or open
// windows.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type MenuItemConstructorOptions } from 'electron';
import { EVENT_NAMES, type EventMap, type EventName, type SaveOutcome } from '../contract.js';
import { appVersion as packageVersion } from '../../compute/appRoot.js';
import { LabService, type SaveRequest } from '../service.js';
import { registerIpc } from './ipc.js';
import { menuTemplate, type MenuItemSpec } from './menu.js';
import { lockDownContents, lockDownSession } from './lockdown.js';
import { APP_ENTRY, APP_SCHEME, appResponseHeaders, devToolsEnabled, resolveAppFile, secureWebPreferences } from './security.js';

const here = dirname(fileURLToPath(import.meta.url));
const appRoot = app.getAppPath();
const rendererDir = join(appRoot, 'dist', 'renderer');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let window: BrowserWindow | null = null;
let service: LabService | null = null;

function emit<E extends EventName>(event: E, payload: EventMap[E]): void {
  if (!EVENT_NAMES.includes(event)) return;
  if (window && !window.isDestroyed()) window.webContents.send(event, payload);
}

async function save(request: SaveRequest): Promise<SaveOutcome> {
  const options = { defaultPath: join(app.getPath('documents'), request.fileName), filters: [request.filter] };
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return { status: 'cancelled' };
  await request.write(result.filePath);
  return { status: 'saved', path: result.filePath };
}

function toElectronMenu(items: MenuItemSpec[]): MenuItemConstructorOptions[] {
  return items.map(({ command, submenu, ...item }): MenuItemConstructorOptions => ({
    ...item,
    ...(submenu ? { submenu: toElectronMenu(submenu) } : {}),
    ...(command ? { click: () => emit('menu:command', { command }) } : {}),
  }));
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    title: 'Vectorization Lab',
    backgroundColor: '#f3f5f8',
    show: false,
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    window = null;
  });
  void window.loadURL(APP_ENTRY);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

  void app.whenReady().then(() => {
    const appVersion = packageVersion(appRoot);
    const dataDir = process.env.VLAB_DATA_DIR ?? app.getPath('userData');
    service = new LabService({ shell: 'electron', appVersion, dataDir, save, emit }, appRoot);

    // The app's files, and nothing from anywhere else.
    protocol.handle(APP_SCHEME, async (request) => {
      const file = resolveAppFile(rendererDir, request.url);
      if (!file) return new Response('Not found', { status: 404 });
      try {
        return new Response(await readFile(file), { headers: appResponseHeaders(file) });
      } catch {
        return new Response('Not found', { status: 404 });
      }
    });
    lockDownSession(session.defaultSession, devToolsEnabled());

    Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronMenu(menuTemplate())));
    registerIpc(ipcMain, {
      windowContents: () => window?.webContents ?? null,
      handle: (channel, request) => {
        if (!service) return Promise.reject(new Error('the lab is shutting down'));
        return service.handle(channel, request);
      },
    });
    createWindow();
  });

  app.on('window-all-closed', () => {
    const closing = service;
    service = null;
    void (closing?.close() ?? Promise.resolve()).finally(() => app.quit());
  });
}
