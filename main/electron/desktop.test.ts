// The desktop's conventions, as main.ts wires them, against the stand-in for
// Electron (test/electronStandIn.ts): the window reopens where it was, clamped to
// a display that is there; About names the engine build and the machine;
// Help opens the bundled guide in the window; File ▸ Open…, Open Recent, the
// command line and a second launch open `.vlab.json` files; nativeTheme
// follows the theme picker; and electron-builder associates the extension.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { state, menuItem, sentOn, type StandInWindow } from '../../test/electronStandIn.js';
import { RECENT_FILE } from './recentDocuments.js';
import { WINDOW_STATE_FILE } from './windowState.js';
import { SETTINGS_EXTENSION } from '../../compute/classroom/settingsVocabulary.js';

vi.mock('electron', async () => (await import('../../test/electronStandIn.js')).electronModule);

type Listener = (...args: unknown[]) => Promise<unknown>;

const settingsFile = (fields: Record<string, unknown>) =>
  JSON.stringify({ format: 'vlab-settings', version: 1, ...fields });
let files = '';
const launchDocument = () => join(files, 'launch.vlab.json');
const gone = () => join(files, 'moved-away.vlab.json');
const kept = () => join(files, 'kept.vlab.json');
const argvBefore = [...process.argv];

let window: StandInWindow;
const invoke = (channel: string, request: unknown) => {
  const contents = window.webContents;
  return (state.ipc.get(channel) as Listener)({ sender: contents, senderFrame: contents.mainFrame }, request);
};
const opened = () =>
  sentOn(window, 'document:opened') as (
    | { fileName: string; settings: { nx: number; ny: number; layout: unknown } }
    | { fileName: string; error: { kind: string; message: string } }
  )[];
const recentLabels = () => (menuItem('File', 'Open Recent').submenu ?? []).map((i) => i.label);

beforeAll(async () => {
  state.appRoot = fileURLToPath(new URL('../..', import.meta.url));
  state.dataDir = await mkdtemp(join(tmpdir(), 'vlab-desktop-'));
  files = await mkdtemp(join(tmpdir(), 'vlab-desktop-files-'));
  process.env.VLAB_DATA_DIR = state.dataDir;
  // Last time the window was maximized on a second display, since unplugged: only the primary is there now.
  await writeFile(
    join(state.dataDir, WINDOW_STATE_FILE),
    JSON.stringify({ bounds: { x: 2300, y: 120, width: 1400, height: 900 }, maximized: true }),
  );
  await writeFile(join(state.dataDir, RECENT_FILE), JSON.stringify([gone(), kept()]));
  await writeFile(kept(), settingsFile({ n: 300 }));
  await writeFile(
    launchDocument(),
    settingsFile({ n: 6000, layout: { hidden: [], hiddenStrategies: ['loops'], presenter: true } }),
  );
  // As `vectorization-lab launch.vlab.json` would start it (argv[1] is the app folder in development).
  process.argv = [process.execPath, state.appRoot, '--enable-logging', launchDocument()];
  await import('./main.js');
  await vi.waitFor(() => expect(state.windows).toHaveLength(1));
  window = state.windows[0]!;
});

afterAll(async () => {
  process.argv = argvBefore;
  state.app.fire('window-all-closed');
  await vi.waitFor(() => expect(state.quitCalls).toBeGreaterThan(0), { timeout: 10_000 });
  delete process.env.VLAB_DATA_DIR;
  await rm(state.dataDir, { recursive: true, force: true });
  await rm(files, { recursive: true, force: true });
});

describe('the desktop conventions (with a stand-in for Electron)', () => {
  it('reopens the window as it was, moved onto a display that is there, and keeps it as it moves and closes', async () => {
    // 1400 × 900 centred in the primary's 1920 × 1040 work area, then maximized as it was.
    expect(window.options).toMatchObject({ x: 260, y: 70, width: 1400, height: 900, minWidth: 960, minHeight: 640 });
    expect(window.maximized).toBe(true);

    window.maximized = false;
    window.events.fire('unmaximize');
    window.moveTo({ x: 40, y: 30, width: 1100, height: 700 });
    window.events.fire('close');
    const saved = JSON.parse(await readFile(join(state.dataDir, WINDOW_STATE_FILE), 'utf8')) as unknown;
    expect(saved).toEqual({ bounds: { x: 40, y: 30, width: 1100, height: 700 }, maximized: false });
  });

  it('opens the file named on the command line once the window has restored its session, so the file wins', async () => {
    // The engine is up and has parsed settings since, yet the file waits for the window to say it is ready.
    await invoke('settings:parse', { text: settingsFile({}) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(opened()).toEqual([]);
    await invoke('settings:restore', null);
    await vi.waitFor(() => expect(opened()).toHaveLength(1));
    const [document] = opened();
    expect(document).toMatchObject({
      fileName: 'launch.vlab.json',
      settings: { nx: 6000, ny: 6000, layout: { hiddenStrategies: ['loops'], presenter: true } },
    });
    // It heads the recent documents, in the menu, in the data folder and for the OS.
    await vi.waitFor(() => expect(recentLabels()[0]).toBe(`launch.vlab.json — ${files}`));
    expect(state.recentOs).toContain(launchDocument());
    expect(JSON.parse(await readFile(join(state.dataDir, RECENT_FILE), 'utf8'))).toEqual([
      launchDocument(),
      gone(),
      kept(),
    ]);
  });

  it('File ▸ Open… asks for a .vlab.json and opens it; a file that is not settings says why', async () => {
    const other = join(files, 'other.vlab.json');
    await writeFile(other, settingsFile({ n: 120 }));
    state.dialogs.openAnswers.push({ canceled: false, filePaths: [other] });
    menuItem('File', 'Open…').click!();
    await vi.waitFor(() => expect(opened()).toHaveLength(2));
    expect(opened()[1]).toMatchObject({ fileName: 'other.vlab.json', settings: { nx: 120, ny: 120 } });
    expect(state.dialogs.opened[0]).toMatchObject({
      properties: ['openFile'],
      filters: [{ extensions: expect.arrayContaining(['vlab.json']) }],
    });
    await vi.waitFor(() => expect(recentLabels()[0]).toBe(`other.vlab.json — ${files}`));

    const bad = join(files, 'bad.vlab.json');
    await writeFile(bad, settingsFile({ n: -3 }));
    state.dialogs.openAnswers.push({ canceled: false, filePaths: [bad] });
    menuItem('File', 'Open…').click!();
    await vi.waitFor(() => expect(opened()).toHaveLength(3));
    expect(opened()[2]).toMatchObject({
      fileName: 'bad.vlab.json',
      error: { kind: 'settings', message: expect.stringMatching(/'n' must be an integer from 1/) },
    });
    // A file that did not open is not a recent document.
    expect(recentLabels()).not.toContain(`bad.vlab.json — ${files}`);

    const big = join(files, 'big.vlab.json');
    await writeFile(big, ' '.repeat(70_000));
    state.dialogs.openAnswers.push({ canceled: false, filePaths: [big] });
    menuItem('File', 'Open…').click!();
    await vi.waitFor(() => expect(opened()).toHaveLength(4));
    expect(opened()[3]).toMatchObject({
      error: { kind: 'settings', message: expect.stringMatching(/70000 bytes: a settings file is at most 65536/) },
    });

    state.dialogs.openAnswers.push({ canceled: true, filePaths: [] });
    menuItem('File', 'Open…').click!();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(opened()).toHaveLength(4);
  });

  it('Open Recent opens a kept file, drops one that is gone, and Clear Menu empties it', async () => {
    menuItem('File', 'Open Recent', `kept.vlab.json — ${files}`).click!();
    await vi.waitFor(() =>
      expect(opened().at(-1)).toMatchObject({ fileName: 'kept.vlab.json', settings: { nx: 300, ny: 300 } }),
    );
    await vi.waitFor(() => expect(recentLabels()[0]).toBe(`kept.vlab.json — ${files}`));

    const count = opened().length;
    menuItem('File', 'Open Recent', `moved-away.vlab.json — ${files}`).click!();
    await vi.waitFor(() => expect(opened()).toHaveLength(count + 1));
    expect(opened().at(-1)).toMatchObject({
      fileName: 'moved-away.vlab.json',
      error: { kind: 'io', message: expect.stringMatching(/is no longer there/) },
    });
    await vi.waitFor(() => expect(recentLabels()).not.toContain(`moved-away.vlab.json — ${files}`));

    menuItem('File', 'Open Recent', 'Clear Menu').click!();
    await vi.waitFor(() => expect(recentLabels()).toEqual(['No Recent Documents']));
    expect(state.recentOsCleared).toBe(1);
    await vi.waitFor(async () =>
      expect(JSON.parse(await readFile(join(state.dataDir, RECENT_FILE), 'utf8'))).toEqual([]),
    );
  });

  it('a second launch with a file hands it to the running window, and brings the window forward', async () => {
    const count = opened().length;
    window.minimized = true;
    const focused = window.focused;
    state.app.fire(
      'second-instance',
      {},
      ['/opt/Vectorization Lab/vectorization-lab', '--flag', 'kept.vlab.json'],
      files,
    );
    expect(window.minimized).toBe(false);
    expect(window.focused).toBeGreaterThan(focused);
    await vi.waitFor(() => expect(opened()).toHaveLength(count + 1));
    expect(opened().at(-1)).toMatchObject({ fileName: 'kept.vlab.json', settings: { nx: 300, ny: 300 } });
  });

  it(
    'Help opens the bundled guide in the window, and About names the version, the engine build and the machine',
    { timeout: 30_000 },
    async () => {
      menuItem('Help', 'Vectorization Lab Guide').click!();
      expect(sentOn(window, 'menu:command')).toContainEqual({ command: 'open-guide' });

      state.dialogs.messageBoxAnswers.push({ response: 1 });
      menuItem('Help', 'About Vectorization Lab').click!();
      await vi.waitFor(() => expect(state.dialogs.messageBoxes).toHaveLength(1), { timeout: 20_000 });
      const box = state.dialogs.messageBoxes[0] as { message: string; detail: string };
      expect(box.message).toBe('Vectorization Lab 0.1.0');
      expect(box.detail).toMatch(
        /^Engine: (native addon present, kernels for \w+|JavaScript only — the native addon is missing)/,
      );
      expect(box.detail).toContain(`Machine: ${cpus()[0]!.model.trim()}, `);
      expect(box.detail).toMatch(/GiB\nGPU: .+\nOS: .+\nElectron/);
      // Copy: the same facts, for a bug report.
      await vi.waitFor(() => expect(state.clipboard).toHaveLength(1));
      expect(state.clipboard[0]).toBe(`${box.message}\n${box.detail}\n`);
      // The platform's own About panel (macOS's application menu) has them too.
      await vi.waitFor(() =>
        expect(state.aboutPanel.at(-1)).toMatchObject({ applicationVersion: '0.1.0', credits: box.detail }),
      );
    },
  );

  it("nativeTheme follows the theme picker, through the contract's validated channel", async () => {
    expect(state.nativeTheme.themeSource).toBe('system');
    await expect(invoke('theme:set', { theme: 'dark' })).resolves.toEqual({ ok: true, value: null });
    expect(state.nativeTheme.themeSource).toBe('dark');
    await expect(invoke('theme:set', { theme: 'neon' })).resolves.toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-request',
        message: expect.stringMatching(/request\.theme must be one of system, light, dark/),
      },
    });
    expect(state.nativeTheme.themeSource).toBe('dark');
    await invoke('theme:set', { theme: 'system' });
    expect(state.nativeTheme.themeSource).toBe('system');
  });

  it('on Linux and Windows the menu has no macOS application menu', () => {
    expect(state.menu![0]!.label).toBe('File');
    expect(() => menuItem('File', 'Quit')).not.toThrow();
  });

  it('electron-builder associates the extension File ▸ Open… accepts, as a document the app edits', async () => {
    const config = parse(await readFile(join(state.appRoot, 'electron-builder.yml'), 'utf8')) as {
      fileAssociations?: Record<string, unknown>[];
    };
    const association = config.fileAssociations?.find((a) => `.${String(a.ext)}` === SETTINGS_EXTENSION);
    expect(association).toMatchObject({ ext: 'vlab.json', name: expect.any(String), role: 'Editor' });
  });
});
