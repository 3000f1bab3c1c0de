// The `electron` module for starting a packaged dist/main/main.js with plain
// Node, where Electron's binary cannot be downloaded: the same stand-in the
// main-process tests use (test/electronStandIn.ts), exported as
// Electron's built-in module is, plus a driver. Once the window exists, the
// driver plays Electron's part: it loads the window's page and everything
// that page loads through the app:// protocol handler, asks the app for its
// info over the contract's IPC (which starts the engine, in the stand-in's
// utility process, from the packaged files), writes what it saw as JSON to VLAB_STAND_IN_REPORT, and
// closes the window. Compiled into the assembled tree's node_modules/electron
// by package.test.ts. Test tooling only.

import { existsSync, writeFileSync } from 'node:fs';
import { electronModule, state } from './electronStandIn.js';

export const {
  app,
  protocol,
  session,
  ipcMain,
  Menu,
  dialog,
  screen,
  nativeTheme,
  clipboard,
  BrowserWindow,
  utilityProcess,
} = electronModule;
export default electronModule.default;

state.appRoot = process.env.VLAB_STAND_IN_APP_ROOT ?? process.cwd();
state.dataDir = process.env.VLAB_DATA_DIR ?? process.cwd();

async function fetchApp(url: string): Promise<{ status: number; type: string; body: string }> {
  const handler = state.protocolHandlers.get(new URL(url).protocol.replace(':', ''));
  if (!handler) return { status: 0, type: '', body: '' };
  const response = await handler({ url });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

async function drive(report: string): Promise<void> {
  const started = Date.now();
  while (state.windows.length === 0 || state.protocolHandlers.size === 0) {
    if (Date.now() - started > 15_000) throw new Error('main.js made no window within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [window] = state.windows;
  const preload = (window!.options.webPreferences as { preload?: string } | undefined)?.preload;
  const entry = window!.loaded[0]!;
  const page = await fetchApp(entry);
  const loads: { url: string; status: number; type: string }[] = [];
  for (const m of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const url = new URL(m[1]!, entry).href;
    const file = await fetchApp(url);
    loads.push({ url, status: file.status, type: file.type });
    if (!file.type.includes('css')) continue;
    for (const f of file.body.matchAll(/url\(([^)]+)\)/g)) {
      const font = new URL(f[1]!.replace(/["']/g, ''), url).href;
      const fetched = await fetchApp(font);
      loads.push({ url: font, status: fetched.status, type: fetched.type });
    }
  }
  // Answered as every invoke is: an InvokeReply, the value or a LabError.
  const reply = (await state.ipc.get('app:info')!(
    { sender: window!.webContents, senderFrame: window!.webContents.mainFrame },
    null,
  )) as { ok: boolean; value?: unknown; error?: unknown };
  const info = reply.ok ? reply.value : { error: reply.error };
  writeFileSync(
    report,
    JSON.stringify({
      loaded: window!.loaded,
      webPreferences: window!.options.webPreferences,
      preloadExists: typeof preload === 'string' && existsSync(preload),
      page: { status: page.status, type: page.type },
      loads,
      info,
      engineProcesses: state.utilityProcesses.length,
    }),
  );
  window!.close();
  state.app.fire('window-all-closed');
  state.app.fire('before-quit', { preventDefault: () => {} });
}

const report = process.env.VLAB_STAND_IN_REPORT;
if (report) {
  // Electron runs until the app quits; plain Node would exit once nothing
  // but the engines' channels is left, so the loop is held open as Electron holds it.
  const alive = setInterval(() => undefined, 1000);
  setTimeout(() => {
    drive(report).then(
      () => {
        clearInterval(alive);
        setTimeout(() => process.exit(0), 200);
      },
      (error: unknown) => {
        writeFileSync(report, JSON.stringify({ error: String(error instanceof Error ? error.stack : error) }));
        process.exit(1);
      },
    );
  }, 0);
}
