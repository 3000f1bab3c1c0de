// The Electron main process: one window on the app:// protocol, the menu,
// native save and open dialogs, and the contract's IPC, each request from a
// checked sender validated before the app service acts on it. The engine
// runs in utility processes behind LabService (engineProcess.ts), so that a
// crash there, Dawn's abort included, never takes this process with it; this
// file only wires Electron to it and to the desktop's conventions (desktop.ts: window state, About, Open
// and recent documents, nativeTheme). It never loads remote content and
// never lets the page navigate or open windows.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, utilityProcess } from 'electron';
import { EVENT_NAMES, type EventMap, type EventName, type SaveOutcome } from '../contract.js';
import { appVersion as packageVersion } from '../../compute/leaves.js';
import { LabService, type SaveRequest } from '../service.js';
import { registerIpc } from './ipc.js';
import { Desktop } from './desktop.js';
import { utilityProcessSpawner } from './engineProcess.js';
import { documentsInArgv } from './documents.js';
import { lockDownContents, lockDownSession } from './lockdown.js';
import {
  APP_ENTRY,
  APP_SCHEME,
  appResponseHeaders,
  devToolsEnabled,
  resolveAppFile,
  secureWebPreferences,
} from './security.js';

const here = dirname(fileURLToPath(import.meta.url));
const appRoot = app.getAppPath();
const rendererDir = join(appRoot, 'dist', 'renderer');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let window: BrowserWindow | null = null;
let service: LabService | null = null;
const dataDir = process.env.VLAB_DATA_DIR ?? app.getPath('userData');
const desktop = new Desktop({ dataDir, window: () => window, service: () => service, emit });

function emit<E extends EventName>(event: E, payload: EventMap[E]): void {
  if (!EVENT_NAMES.includes(event)) return;
  if (window && !window.isDestroyed()) window.webContents.send(event, payload);
}

async function save(request: SaveRequest): Promise<SaveOutcome> {
  const options = { defaultPath: join(app.getPath('documents'), request.fileName), filters: [request.filter] };
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return { status: 'cancelled' };
  await request.write(result.filePath);
  await desktop.saved(result.filePath);
  return { status: 'saved', path: result.filePath };
}

function createWindow(): void {
  const placement = desktop.windowPlacement();
  window = new BrowserWindow({
    ...placement.bounds,
    minWidth: placement.minWidth,
    minHeight: placement.minHeight,
    title: 'Vectorization Lab',
    backgroundColor: '#f3f5f8',
    show: false,
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  desktop.windowCreated(window, placement.maximized);
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    window = null;
    desktop.windowClosed();
  });
  void window.loadURL(APP_ENTRY);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
    for (const path of documentsInArgv(argv, workingDirectory)) desktop.open(path);
  });
  // macOS: a file opened from the Finder or the Dock, possibly before the app is ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    desktop.open(path);
  });
  for (const path of documentsInArgv(process.argv, process.cwd())) desktop.open(path);

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

  void app.whenReady().then(() => {
    const appVersion = packageVersion(appRoot);
    // utilityProcess.fork may only be called once the app is ready; the engines start on their first call, after this.
    service = new LabService(
      {
        shell: 'electron',
        appVersion,
        dataDir,
        save,
        emit,
        setTheme: (theme) => desktop.setTheme(theme),
        spawnEngine: utilityProcessSpawner(utilityProcess),
      },
      appRoot,
    );
    // Both engines start loading while the window opens: Live's calibration and opening grid come within a second.
    service.warm();

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

    void desktop.ready(appVersion);
    registerIpc(ipcMain, {
      windowContents: () => window?.webContents ?? null,
      handle: (channel, request) => {
        if (!service) return Promise.reject(new Error('the lab is shutting down'));
        return desktop.answered(channel, service.handle(channel, request));
      },
    });
    createWindow();
  });

  // macOS keeps an app open without windows, and the Dock icon opens a new one.
  app.on('activate', () => {
    if (!window && service) createWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform === 'darwin') return;
    const closing = service;
    service = null;
    void (closing?.close() ?? Promise.resolve()).finally(() => app.quit());
  });

  // Quit from a menu (or macOS's Cmd+Q with the app still open): the engines stop first.
  app.on('before-quit', (event) => {
    const closing = service;
    if (!closing) return;
    event.preventDefault();
    service = null;
    void closing.close().finally(() => app.quit());
  });
}
