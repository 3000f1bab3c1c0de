// The desktop's conventions around the lab's window, in one place that
// main.ts calls: the window reopens where it was (windowState.ts), the menu
// with File ▸ Open… and Open Recent (menu.ts, recentDocuments.ts), `.vlab.json`
// files opened from anywhere (documents.ts), About (about.ts), and the native
// theme following the theme picker. None of these means anything in the web
// shell, which has its own browser window: it never loads this module.

import { app, BrowserWindow, clipboard, dialog, nativeTheme, screen } from 'electron';
import type { EventMap, EventName, InvokeChannel, MenuCommand, Theme } from '../contract.js';
import type { LabService } from '../service.js';
import { SETTINGS_EXTENSION } from '../../compute/leaves.js';
import { aboutMessageBox, aboutPanelOptions, type AboutFacts } from './about.js';
import { installApplicationMenu } from './applicationMenu.js';
import { Documents } from './documents.js';
import type { MainAction } from './menu.js';
import { RecentDocuments } from './recentDocuments.js';
import { MIN_SIZE, placeWindow, readWindowState, trackWindowState, type Placement } from './windowState.js';

export interface DesktopDeps {
  dataDir: string;
  window(): BrowserWindow | null;
  service(): LabService | null;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

const report = (what: string) => (error: unknown) =>
  process.stderr.write(
    `vectorization-lab: could not ${what}: ${error instanceof Error ? error.message : String(error)}\n`,
  );

export class Desktop {
  readonly recent: RecentDocuments;
  readonly documents: Documents;
  private appVersion = 'unknown';
  private aboutFacts: Promise<AboutFacts> | null = null;

  constructor(private readonly deps: DesktopDeps) {
    this.recent = new RecentDocuments(deps.dataDir, {
      addToOs: (path) => app.addRecentDocument(path),
      clearOs: () => app.clearRecentDocuments(),
      changed: (recent) => this.installMenu(recent),
    });
    this.documents = new Documents({
      parse: (text) => {
        const service = deps.service();
        return service
          ? service.handle('settings:parse', { text })
          : Promise.reject(new Error('the lab is shutting down'));
      },
      deliver: (document) => deps.emit('document:opened', document),
      opened: (path) => this.recent.add(path),
      unreadable: (path) => this.recent.remove(path),
    });
  }

  /** Once the app is ready: the menu with the kept recent documents, and the About panel. */
  async ready(appVersion: string): Promise<void> {
    this.appVersion = appVersion;
    this.installMenu(this.recent.paths);
    app.setAboutPanelOptions({ applicationName: 'Vectorization Lab', applicationVersion: appVersion });
    await this.recent.load();
    const facts = await this.facts().catch(() => null);
    if (facts) app.setAboutPanelOptions(aboutPanelOptions(facts));
  }

  // ── The window ────────────────────────────────────────────────────────

  /** Where the window opens: as it was, on a display that is there now. */
  windowPlacement(): { bounds: Omit<Placement, 'maximized'>; maximized: boolean; minWidth: number; minHeight: number } {
    const { maximized, ...bounds } = placeWindow(
      readWindowState(this.deps.dataDir),
      screen.getAllDisplays().map((d) => d.workArea),
      screen.getPrimaryDisplay().workArea,
    );
    // A display smaller than the minimum size still shows the whole window.
    return {
      bounds,
      maximized,
      minWidth: Math.min(MIN_SIZE.width, bounds.width),
      minHeight: Math.min(MIN_SIZE.height, bounds.height),
    };
  }

  windowCreated(window: BrowserWindow, maximized: boolean): void {
    if (maximized) window.maximize();
    trackWindowState(window, this.deps.dataDir, report("keep the window's size and position"));
  }

  windowClosed(): void {
    this.documents.windowGone();
  }

  // ── Documents ─────────────────────────────────────────────────────────

  /** A `.vlab.json` to open (menu, command line, Finder): the window comes forward to show it. */
  open(path: string): void {
    const window = this.deps.window();
    if (window?.isMinimized()) window.restore();
    window?.focus();
    this.documents.open(path);
  }

  /** Every answer to the window passes here: once it has restored its last session, it can take documents. */
  answered<T>(channel: InvokeChannel, answer: Promise<T>): Promise<T> {
    if (channel === 'settings:restore') void answer.finally(() => this.documents.windowReady()).catch(() => {});
    return answer;
  }

  /** A file the user saved: settings files join the recent documents. */
  async saved(path: string): Promise<void> {
    if (path.toLowerCase().endsWith(SETTINGS_EXTENSION))
      await this.recent.add(path).catch(report('update the recent documents'));
  }

  async showOpenDialog(): Promise<void> {
    const window = this.deps.window();
    const options = {
      title: 'Open Settings',
      properties: ['openFile' as const],
      filters: [{ name: 'Vectorization Lab settings', extensions: ['vlab.json', 'json'] }],
    };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    if (result.canceled) return;
    for (const path of result.filePaths.slice(0, 1)) this.open(path);
  }

  // ── Theme, menu, About ────────────────────────────────────────────────

  setTheme(theme: Theme): void {
    nativeTheme.themeSource = theme;
  }

  menuAction(action: MainAction): void {
    switch (action.kind) {
      case 'open-document':
        void this.showOpenDialog().catch(report('show the Open dialog'));
        return;
      case 'open-recent':
        this.open(action.path);
        return;
      case 'clear-recent':
        void this.recent.clear().catch(report('clear the recent documents'));
        return;
      case 'about':
        void this.showAbout().catch(report('show About'));
        return;
      default:
        action satisfies never;
    }
  }

  /** Linux and Windows (macOS uses its own panel, from the application menu). */
  async showAbout(): Promise<void> {
    const box = aboutMessageBox(await this.facts());
    const window = this.deps.window();
    const { response } = window ? await dialog.showMessageBox(window, box) : await dialog.showMessageBox(box);
    if (box.buttons[response] === 'Copy') clipboard.writeText(`${box.message}\n${box.detail}\n`);
  }

  private installMenu(recent: readonly string[]): void {
    installApplicationMenu(
      { recent },
      {
        command: (command: MenuCommand) => this.deps.emit('menu:command', { command }),
        action: (action) => this.menuAction(action),
      },
    );
  }

  private facts(): Promise<AboutFacts> {
    const service = this.deps.service();
    if (!service) return Promise.reject(new Error('the lab is shutting down'));
    // The GPU adapter as probed: AppInfo is answered before Dawn's probe settles.
    this.aboutFacts ??= Promise.all([service.handle('app:info', null), service.handle('app:probed', null)]).then(
      ([info, probed]) => ({
        appVersion: this.appVersion,
        engineBuild: info.engineBuild,
        machine: { ...info.machine, gpuAdapter: probed.gpuAdapter },
        versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
      }),
    );
    this.aboutFacts.catch(() => (this.aboutFacts = null));
    return this.aboutFacts;
  }
}
