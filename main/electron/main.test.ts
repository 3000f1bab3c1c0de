// The Electron main process, run against a stand-in for the `electron`
// module (test/electronStandIn.ts; its binary cannot be downloaded here): each
// item of Electron's security checklist is checked where main.ts wires it,
// so a setting turned off or a handler left unwired fails here, not only in
// a pure helper's test. The desktop's conventions (window state, About,
// Help, Open and recent documents, nativeTheme) are in desktop.test.ts,
// against the same stand-in; macOS's in main.darwin.test.ts.

import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY } from './security.js';
import { INVOKE_CHANNELS } from '../contract.js';
import { CONTENT_SECURITY_POLICY } from '../csp.js';
import { countChecklist } from '../../test/reliability/checklist.js';
import { sentOn, state } from '../../test/electronStandIn.js';

countChecklist('electron-checklist');

type Listener = (...args: unknown[]) => unknown;

vi.mock('electron', async () => (await import('../../test/electronStandIn.js')).electronModule);

/** A web contents as Electron hands it to 'web-contents-created': records what the lockdown registers. */
function createdContents() {
  const events = new Map<string, Listener[]>();
  let openHandler: Listener | null = null;
  const contents = {
    on: (event: string, listener: Listener) => void events.set(event, [...(events.get(event) ?? []), listener]),
    setWindowOpenHandler: (handler: Listener) => void (openHandler = handler),
  };
  state.app.fire('web-contents-created', {}, contents);
  /** Fires an event as Electron would; says whether some listener prevented it. */
  const fire = (event: string, ...args: unknown[]) => {
    let prevented = false;
    const details = { preventDefault: () => void (prevented = true), url: typeof args[0] === 'string' ? args[0] : '' };
    for (const listener of events.get(event) ?? []) listener(details, ...args);
    return prevented;
  };
  return { fire, open: (url: string) => openHandler?.({ url }) };
}

beforeAll(async () => {
  state.appRoot = fileURLToPath(new URL('../..', import.meta.url));
  state.dataDir = await mkdtemp(join(tmpdir(), 'vlab-electron-'));
  process.env.VLAB_DATA_DIR = state.dataDir;
  await import('./main.js');
  // whenReady() has resolved: let its continuation run.
  await new Promise((resolve) => setTimeout(resolve, 0));
});

afterAll(async () => {
  state.app.fire('window-all-closed');
  await vi.waitFor(() => expect(state.quitCalls).toBeGreaterThan(0), { timeout: 10_000 });
  delete process.env.VLAB_DATA_DIR;
  await rm(state.dataDir, { recursive: true, force: true });
});

describe('the Electron main process (with a stand-in for Electron)', () => {
  it('opens one window, isolated, sandboxed, without Node, on the app page', () => {
    expect(state.windows).toHaveLength(1);
    const [window] = state.windows;
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    expect(window!.loaded).toEqual([APP_ENTRY]);
  });

  it('refuses every navigation, redirect away, webview and new window of every web contents', () => {
    const contents = createdContents();
    expect(contents.fire('will-navigate', 'https://example.org/')).toBe(true);
    expect(contents.fire('will-navigate', APP_ENTRY)).toBe(true);
    expect(contents.fire('will-frame-navigate', 'https://example.org/')).toBe(true);
    expect(contents.fire('will-redirect', 'https://example.org/')).toBe(true);
    expect(contents.fire('will-redirect', APP_ENTRY)).toBe(false);
    expect(contents.fire('will-attach-webview')).toBe(true);
    for (const url of ['https://example.org/', APP_ENTRY, 'file:///etc/passwd', 'javascript:alert(1)'])
      expect(contents.open(url)).toEqual({ action: 'deny' });
  });

  it('denies permissions by default, and fetches nothing but the app', () => {
    const { permissionRequest, permissionCheck, devicePermission, beforeRequest } = state.session;
    const request = (permission: string, requestingUrl: string) => {
      let granted: boolean | undefined;
      permissionRequest!({}, permission, (g: boolean) => (granted = g), { requestingUrl });
      return granted;
    };
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'fullscreen',
      'display-capture',
      'unknown',
    ]) {
      expect(request(permission, APP_ENTRY), permission).toBe(false);
      expect(permissionCheck!({}, permission, 'app://lab'), permission).toBe(false);
    }
    // The one grant: the classroom's Copy button, from the app's own page only.
    expect(request('clipboard-sanitized-write', APP_ENTRY)).toBe(true);
    expect(request('clipboard-sanitized-write', 'https://example.org/')).toBe(false);
    expect(devicePermission!({ deviceType: 'usb' })).toBe(false);
    const cancelled = (url: string) => {
      let answer: { cancel: boolean } | undefined;
      beforeRequest!({ url }, (a: { cancel: boolean }) => (answer = a));
      return answer?.cancel;
    };
    expect(cancelled('app://lab/assets/index.js')).toBe(false);
    for (const url of [
      'https://cdn.example/three.js',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'ws://127.0.0.1/ws',
      'devtools://devtools/x',
      'data:text/html,x',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
  });

  it('serves the app scheme from the built renderer only, with the CSP', async () => {
    expect(state.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    const handler = state.protocolHandlers.get('app')!;
    expect((await handler({ url: 'app://evil/index.html' })).status).toBe(404);
    expect((await handler({ url: 'app://lab/%00.js' })).status).toBe(404);
    expect((await handler({ url: 'app://lab/no-such-file.js' })).status).toBe(404);
    // package.json sits two folders above dist/renderer: unreachable however the path climbs.
    expect((await handler({ url: 'app://lab/../../package.json' })).status).toBe(404);
    expect((await handler({ url: 'app://lab/%2e%2e/%2e%2e/package.json' })).status).toBe(404);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });

  it('answers the contract on IPC for its window only, validated', { timeout: 30_000 }, async () => {
    expect([...state.ipc.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const contents = state.windows[0]!.webContents;
    const fromWindow = { sender: contents, senderFrame: contents.mainFrame };
    const check = state.ipc.get('formula:check')!;
    await expect(check(fromWindow, { text: 'cos(x^2' })).resolves.toMatchObject({
      ok: true,
      value: { ok: false, position: 7 },
    });
    const invalid = (message: RegExp) => ({
      ok: false,
      error: { kind: 'invalid-request', message: expect.stringMatching(message) },
    });
    await expect(check(fromWindow, { text: 42 })).resolves.toMatchObject(invalid(/request\.text/));
    await expect(check(fromWindow, { text: 'x', extra: 'constructor' })).resolves.toMatchObject(
      invalid(/not expected/),
    );
    await expect(check(fromWindow, null)).resolves.toMatchObject(invalid(/must be an object/));
    const refused = { ok: false, error: { kind: 'refused', message: expect.stringMatching(/refused/) } };
    const otherFrame = { sender: contents, senderFrame: { url: APP_ENTRY } };
    await expect(check(otherFrame, { text: 'x' })).resolves.toMatchObject(refused);
    const otherWindow = { sender: { mainFrame: contents.mainFrame }, senderFrame: contents.mainFrame };
    await expect(check(otherWindow, { text: 'x' })).resolves.toMatchObject(refused);
  });

  it(
    'runs the engine in utility processes: an engine that aborts is reported to the window and replaced, and main goes on',
    { timeout: 60_000 },
    async () => {
      const window = state.windows[0]!;
      const fromWindow = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
      const check = state.ipc.get('formula:check')!;
      await expect(check(fromWindow, { text: 'x' })).resolves.toMatchObject({ ok: true, value: { ok: true } });
      const engines = state.utilityProcesses.filter((p) => p.pid !== undefined);
      expect(engines.length).toBeGreaterThanOrEqual(1);
      const [engine] = engines;
      const exited = new Promise<number>((resolve) => engine!.once('exit', resolve));
      // What Dawn does to its process on a GPU promise left pending: in a worker thread, this process would go with it.
      process.kill(engine!.pid!, 'SIGABRT');
      expect(await exited).toBe(constants.signals.SIGABRT);
      await vi.waitFor(() => expect(sentOn(window, 'engine:crashed')).toHaveLength(1), { timeout: 10_000 });
      expect(sentOn(window, 'engine:crashed')[0]).toMatchObject({
        message: expect.stringMatching(/preview engine stopped: it exited with code 6/),
      });
      await expect(check(fromWindow, { text: 'x + y' })).resolves.toMatchObject({ ok: true, value: { ok: true } });
      expect(state.utilityProcesses.filter((p) => p.pid !== undefined)).toHaveLength(engines.length);
    },
  );

  it('never hands text to shell.openExternal: no main or renderer source uses it', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const sources: string[] = [];
    for (const dir of ['main', 'renderer/src']) {
      for (const entry of await readdir(join(state.appRoot, dir), { recursive: true })) {
        if (/\.(ts|mts|mjs|cjs|svelte)$/.test(entry) && !entry.endsWith('.test.ts')) sources.push(join(dir, entry));
      }
    }
    expect(sources.length).toBeGreaterThan(20);
    for (const source of sources) {
      const text = await readFile(join(state.appRoot, source), 'utf8');
      expect(text, source).not.toMatch(
        /\.openExternal\s*\(|import[^;]*\bshell\b[^;]*from\s*'electron'|require\('electron'\)\.shell/,
      );
    }
  });
});
