// A stand-in for the `electron` module that Electron's binary provides, for
// starting a packaged dist/main/main.js with plain Node where the binary
// cannot be downloaded. It records what main.ts asks of Electron and, once
// the window exists, drives it as Electron would: it loads the window's page
// and everything that page loads through the app:// protocol handler, asks
// the app for its info over the contract's IPC (which starts the engine
// worker from the packaged files), writes what it saw as JSON to
// VLAB_STAND_IN_REPORT, closes the window and quits. Test tooling only.

import { existsSync, writeFileSync } from 'node:fs';

const state = { appRoot: process.env.VLAB_STAND_IN_APP_ROOT ?? process.cwd(), windows: [], protocols: new Map(), ipc: new Map(), appEvents: new Map() };

const on = (map) => (event, listener) => void map.set(event, [...(map.get(event) ?? []), listener]);

class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.loaded = [];
    this.webContents = { mainFrame: { url: 'about:blank' }, send: () => undefined, on: () => undefined, setWindowOpenHandler: () => undefined };
    state.windows.push(this);
  }
  once() {}
  on() {}
  show() {}
  focus() {}
  restore() {}
  isDestroyed() { return false; }
  isMinimized() { return false; }
  loadURL(url) {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
}

const noop = () => undefined;
export const app = {
  getAppPath: () => state.appRoot,
  getPath: () => process.env.VLAB_DATA_DIR ?? process.cwd(),
  getVersion: () => '0.0.0',
  requestSingleInstanceLock: () => true,
  on: on(state.appEvents),
  whenReady: () => Promise.resolve(),
  quit: () => process.exit(0),
  setAboutPanelOptions: noop,
  addRecentDocument: noop,
  clearRecentDocuments: noop,
};
export const protocol = {
  registerSchemesAsPrivileged: noop,
  handle: (scheme, handler) => void state.protocols.set(scheme, handler),
};
const webRequest = { onBeforeRequest: noop };
export const session = {
  defaultSession: { setPermissionRequestHandler: noop, setPermissionCheckHandler: noop, setDevicePermissionHandler: noop, webRequest },
};
export const ipcMain = { handle: (channel, listener) => void state.ipc.set(channel, listener) };
export const Menu = { buildFromTemplate: (template) => template, setApplicationMenu: noop };
export const dialog = { showSaveDialog: async () => ({ canceled: true }), showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showMessageBox: async () => ({ response: 0 }) };
export const nativeTheme = { themeSource: 'system', shouldUseDarkColors: false, on: noop };
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }], getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }) };
export const shell = {};
export default { app, protocol, session, ipcMain, Menu, dialog, nativeTheme, screen, shell, BrowserWindow };
export { BrowserWindow };

async function fetchApp(url) {
  const handler = state.protocols.get(new URL(url).protocol.replace(':', ''));
  if (!handler) return { url, status: 0 };
  const response = await handler({ url });
  return { url, status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

async function drive() {
  const started = Date.now();
  while (state.windows.length === 0 || state.protocols.size === 0) {
    if (Date.now() - started > 15_000) throw new Error('main.ts made no window within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [window] = state.windows;
  const preload = window.options.webPreferences?.preload;
  const page = await fetchApp(window.loaded[0]);
  const base = new URL(window.loaded[0]);
  const referenced = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1], base).href);
  const loads = [];
  for (const url of referenced) {
    const file = await fetchApp(url);
    loads.push({ url, status: file.status, type: file.type });
    if (file.type.includes('css')) {
      for (const m of file.body.matchAll(/url\(([^)]+)\)/g)) {
        const font = new URL(m[1].replace(/["']/g, ''), url).href;
        const fetched = await fetchApp(font);
        loads.push({ url: font, status: fetched.status, type: fetched.type });
      }
    }
  }
  const info = await state.ipc.get('app:info')({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, null);
  const report = {
    windows: state.windows.length,
    loaded: window.loaded,
    webPreferences: window.options.webPreferences,
    preloadExists: typeof preload === 'string' && existsSync(preload),
    page: { status: page.status, type: page.type },
    loads,
    info,
  };
  writeFileSync(process.env.VLAB_STAND_IN_REPORT, JSON.stringify(report));
  for (const listener of state.appEvents.get('window-all-closed') ?? []) listener();
}

if (process.env.VLAB_STAND_IN_REPORT) {
  // Electron runs until the app quits; plain Node would exit once nothing but
  // an unref'd worker is left, so the stand-in holds the loop open as Electron does.
  setInterval(() => undefined, 1000);
  setTimeout(() => {
    drive().catch((error) => {
      writeFileSync(process.env.VLAB_STAND_IN_REPORT, JSON.stringify({ error: String(error?.stack ?? error) }));
      process.exit(1);
    });
  }, 0);
}
