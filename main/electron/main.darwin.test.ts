// main.ts on macOS, against the stand-in for Electron: the application menu
// comes first and holds About (the native panel, with the engine build and
// the machine); a file opened from the Finder before the app is ready is
// opened once the window is; closing the window keeps the app, the Dock icon
// opens a new one, and quitting stops the engines first.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { menuItem, sentOn, state } from '../../test/electronStandIn.js';

vi.mock('electron', async () => (await import('../../test/electronStandIn.js')).electronModule);

type Listener = (...args: unknown[]) => Promise<unknown>;

const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
let files = '';
let letReady: () => void = () => {};

beforeAll(async () => {
  Object.defineProperty(process, 'platform', { ...platform, value: 'darwin' });
  state.appRoot = fileURLToPath(new URL('../..', import.meta.url));
  state.dataDir = await mkdtemp(join(tmpdir(), 'vlab-darwin-'));
  files = await mkdtemp(join(tmpdir(), 'vlab-darwin-files-'));
  process.env.VLAB_DATA_DIR = state.dataDir;
  state.ready = new Promise<void>((resolve) => (letReady = resolve));
  await import('./main.js');
});

afterAll(async () => {
  Object.defineProperty(process, 'platform', platform);
  delete process.env.VLAB_DATA_DIR;
  await rm(state.dataDir, { recursive: true, force: true });
  await rm(files, { recursive: true, force: true });
});

describe('the Electron main process on macOS (with a stand-in for Electron)', () => {
  it('takes a file from the Finder before it is ready, and opens it once the window is', async () => {
    const path = join(files, 'from-finder.vlab.json');
    await writeFile(path, JSON.stringify({ format: 'vlab-settings', version: 1, n: 42 }));
    let prevented = false;
    state.app.fire('open-file', { preventDefault: () => (prevented = true) }, path);
    expect(prevented).toBe(true);
    expect(state.windows).toHaveLength(0);

    letReady();
    await vi.waitFor(() => expect(state.windows).toHaveLength(1));
    const window = state.windows[0]!;
    const contents = window.webContents;
    await (state.ipc.get('settings:restore') as Listener)({ sender: contents, senderFrame: contents.mainFrame }, null);
    // The settings parser is the engine's: the first call starts an engine process (seconds on a loaded machine).
    await vi.waitFor(
      () =>
        expect(sentOn(window, 'document:opened')).toEqual([
          { fileName: 'from-finder.vlab.json', settings: expect.objectContaining({ nx: 42, ny: 42 }) },
        ]),
      { timeout: 20_000 },
    );
  });

  it('puts the application menu first, About in it, and Close Window in File', () => {
    expect(state.menu![0]).toEqual({ role: 'appMenu' });
    expect(() => menuItem('Help', 'About Vectorization Lab')).toThrow(/no menu item/);
    expect(menuItem('File', 'close')).toMatchObject({ label: 'Close Window', accelerator: 'Cmd+W' });
  });

  it("fills macOS's own About panel with the engine build and the machine", { timeout: 30_000 }, async () => {
    await vi.waitFor(
      () =>
        expect(state.aboutPanel.at(-1)).toMatchObject({
          applicationName: 'Vectorization Lab',
          credits: expect.stringMatching(/^Engine: .+\nMachine: /),
        }),
      {
        timeout: 20_000,
      },
    );
  });

  it('keeps the app when its window closes, opens a new one from the Dock, and stops the engines before quitting', async () => {
    state.windows[0]!.close();
    state.app.fire('window-all-closed');
    expect(state.quitCalls).toBe(0);
    state.app.fire('activate');
    expect(state.windows).toHaveLength(2);

    let prevented = false;
    state.app.fire('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(state.quitCalls).toBe(1), { timeout: 10_000 });
    // Once the engines are stopped, the quit goes through.
    prevented = false;
    state.app.fire('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });
});
