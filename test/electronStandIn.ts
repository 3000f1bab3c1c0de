// A stand-in for the `electron` module (its binary cannot be downloaded
// here), for the tests that import main.ts under vi.mock('electron'). It
// records what main wires (windows and their listeners, IPC handlers, the
// protocol, the session's handlers, the menu, dialogs, the About panel,
// recent documents, nativeTheme) and lets a test play Electron's part:
// fire an app or window event, click a menu item, answer a dialog, choose
// the displays. Its utilityProcess.fork starts a real child, as Electron
// documents it: process.parentPort in the child ('message' events carry
// { data }, held until a listener is added; postMessage), and in the parent
// 'message' with the data, 'exit' with a code, kill(). Test tooling only: no
// product module imports it.

import { fork as forkChild, type Serializable } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';

type Listener = (...args: unknown[]) => unknown;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MenuItemLike {
  label?: string;
  role?: string;
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemLike[];
}

function listeners() {
  const map = new Map<string, Listener[]>();
  return {
    map,
    on: (event: string, listener: Listener) => void map.set(event, [...(map.get(event) ?? []), listener]),
    fire: (event: string, ...args: unknown[]) => {
      for (const listener of map.get(event) ?? []) listener(...args);
    },
  };
}

export const state = {
  appRoot: '',
  dataDir: '',
  app: listeners(),
  /** What app.whenReady() returns: a test may hold the app back to send it events first. */
  ready: Promise.resolve() as Promise<void>,
  quitCalls: 0,
  privileged: [] as unknown[],
  protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
  windows: [] as StandInWindow[],
  ipc: new Map<string, Listener>(),
  session: {
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    devicePermission: null as Listener | null,
    beforeRequest: null as Listener | null,
  },
  /** The menu as last installed (Menu.buildFromTemplate hands the template through). */
  menu: null as MenuItemLike[] | null,
  menuInstalls: 0,
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] as { workArea: Rectangle }[],
  aboutPanel: [] as Record<string, unknown>[],
  recentOs: [] as string[],
  recentOsCleared: 0,
  nativeTheme: { themeSource: 'system' as string },
  clipboard: [] as string[],
  /** Every utility process main has started (the engines). */
  utilityProcesses: [] as StandInUtilityProcess[],
  /** What the next dialogs answer, and what they were asked. */
  dialogs: {
    openAnswers: [] as { canceled: boolean; filePaths: string[] }[],
    messageBoxAnswers: [] as { response: number }[],
    opened: [] as Record<string, unknown>[],
    messageBoxes: [] as Record<string, unknown>[],
  },
};

export class StandInWindow {
  readonly events = listeners();
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly webContents = {
    mainFrame: { url: 'about:blank' },
    send: (channel: string, payload: unknown) => void this.sent.push({ channel, payload }),
  };
  readonly loaded: string[] = [];
  bounds: Rectangle;
  maximized = false;
  minimized = false;
  focused = 0;
  destroyed = false;

  constructor(readonly options: Record<string, unknown>) {
    const { x, y, width, height } = options as Partial<Rectangle>;
    this.bounds = { x: x ?? 0, y: y ?? 0, width: width ?? 800, height: height ?? 600 };
    state.windows.push(this);
  }
  once(event: string, listener: Listener) {
    this.events.on(event, listener);
  }
  on(event: string, listener: Listener) {
    this.events.on(event, listener);
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused++;
  }
  show() {}
  maximize() {
    this.maximized = true;
    this.events.fire('maximize');
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  /** As the user dragging the window: the new bounds, then Electron's 'move'. */
  moveTo(bounds: Rectangle) {
    this.bounds = { ...bounds };
    this.events.fire('move');
  }
  /** As the user closing it: 'close', then 'closed'. */
  close() {
    this.events.fire('close', { preventDefault: () => {} });
    this.destroyed = true;
    this.events.fire('closed');
  }
  loadURL(url: string) {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
}

/**
 * Loaded into the stand-in's utility child before its entry (as --import):
 * process.parentPort over Node's IPC channel. Electron ends a utility
 * process whose parent has gone; so does this.
 */
const PARENT_PORT_IN_CHILD = `
import { EventEmitter } from 'node:events';
const parentPort = new EventEmitter();
const held = [];
const deliver = (data) => parentPort.emit('message', { data, ports: [] });
process.on('message', (data) => (parentPort.listenerCount('message') > 0 ? deliver(data) : held.push(data)));
parentPort.on('newListener', (event) => {
  if (event === 'message') setImmediate(() => held.splice(0).forEach(deliver));
});
parentPort.postMessage = (message) => process.send(message);
process.on('disconnect', () => process.exit(0));
process.parentPort = parentPort;
`;

/** Electron's UtilityProcess, over a Node child. Its exit code is the signal's number where a signal ended it, as Chromium reports a crash. */
export class StandInUtilityProcess extends EventEmitter {
  private readonly child;
  constructor(
    modulePath: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; stdio?: string } = {},
  ) {
    super();
    this.child = forkChild(modulePath, args, {
      env: options.env ?? process.env,
      execArgv: [
        `--import=data:text/javascript,${encodeURIComponent(PARENT_PORT_IN_CHILD)}`,
        ...(options.execArgv ?? []),
      ],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    state.utilityProcesses.push(this);
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('exit', (code, signal) => this.emit('exit', code ?? (signal ? constants.signals[signal] : 0)));
    this.child.on('error', () => undefined);
  }
  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }
  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as Serializable);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

const electron = {
  utilityProcess: {
    fork: (modulePath: string, args: string[] = [], options?: ConstructorParameters<typeof StandInUtilityProcess>[2]) =>
      new StandInUtilityProcess(modulePath, args, options),
  },
  app: {
    getAppPath: () => state.appRoot,
    getPath: () => state.dataDir,
    requestSingleInstanceLock: () => true,
    on: state.app.on,
    whenReady: () => state.ready,
    quit: () => void state.quitCalls++,
    addRecentDocument: (path: string) => void state.recentOs.push(path),
    clearRecentDocuments: () => void state.recentOsCleared++,
    setAboutPanelOptions: (options: Record<string, unknown>) => void state.aboutPanel.push(options),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => void state.privileged.push(...schemes),
    handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) =>
      void state.protocolHandlers.set(scheme, handler),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Listener) => void (state.session.permissionRequest = h),
      setPermissionCheckHandler: (h: Listener) => void (state.session.permissionCheck = h),
      setDevicePermissionHandler: (h: Listener) => void (state.session.devicePermission = h),
      webRequest: { onBeforeRequest: (h: Listener) => void (state.session.beforeRequest = h) },
    },
  },
  ipcMain: { handle: (channel: string, listener: Listener) => void state.ipc.set(channel, listener) },
  Menu: {
    buildFromTemplate: (template: MenuItemLike[]) => template,
    setApplicationMenu: (menu: MenuItemLike[]) => {
      state.menu = menu;
      state.menuInstalls++;
    },
  },
  dialog: {
    showSaveDialog: () => Promise.resolve({ canceled: true }),
    showOpenDialog: (...args: unknown[]) => {
      state.dialogs.opened.push(args.at(-1) as Record<string, unknown>);
      return Promise.resolve(state.dialogs.openAnswers.shift() ?? { canceled: true, filePaths: [] });
    },
    showMessageBox: (...args: unknown[]) => {
      state.dialogs.messageBoxes.push(args.at(-1) as Record<string, unknown>);
      return Promise.resolve(state.dialogs.messageBoxAnswers.shift() ?? { response: 0 });
    },
  },
  screen: {
    getAllDisplays: () => state.displays,
    getPrimaryDisplay: () => state.displays[0]!,
  },
  nativeTheme: state.nativeTheme,
  clipboard: { writeText: (text: string) => void state.clipboard.push(text) },
  BrowserWindow: StandInWindow,
};

/** The module as vi.mock('electron') should return it. */
export const electronModule = { ...electron, default: electron };

/** The menu item reached by these labels (roles count as labels), e.g. menuItem('File', 'Open Recent'). */
export function menuItem(...path: string[]): MenuItemLike {
  let items = state.menu ?? [];
  let found: MenuItemLike | undefined;
  for (const name of path) {
    found = items.find((item) => item.label === name || item.role === name);
    if (!found) throw new Error(`no menu item '${name}' in ${JSON.stringify(items.map((i) => i.label ?? i.role))}`);
    items = found.submenu ?? [];
  }
  return found!;
}

/** What main sent the window on this channel, in order. */
export function sentOn(window: StandInWindow, channel: string): unknown[] {
  return window.sent.filter((m) => m.channel === channel).map((m) => m.payload);
}
