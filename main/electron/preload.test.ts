// The sandboxed preload, run against a stand-in for Electron's renderer
// modules: the page gets the typed contract and nothing else — no
// ipcRenderer, no channel outside the contract, no Electron event object.

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS, PRELOAD_GLOBAL, type LabTransport } from '../contract.js';
import { countChecklist } from '../../test/reliability/checklist.js';

countChecklist('electron-checklist');

type Listener = (...args: unknown[]) => void;

const fake = vi.hoisted(() => {
  const state = {
    exposed: [] as [string, unknown][],
    invoked: [] as [string, unknown][],
    listeners: new Map<string, Listener[]>(),
  };
  const module = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void state.exposed.push([name, api]) },
    ipcRenderer: {
      invoke: (channel: string, request: unknown) => {
        state.invoked.push([channel, request]);
        return Promise.resolve({ answered: channel });
      },
      on: (event: string, listener: Listener) =>
        void state.listeners.set(event, [...(state.listeners.get(event) ?? []), listener]),
      removeListener: (event: string, listener: Listener) =>
        void state.listeners.set(
          event,
          (state.listeners.get(event) ?? []).filter((l) => l !== listener),
        ),
    },
  };
  return { state, module };
});

vi.mock('electron', () => ({ ...fake.module, default: fake.module }));

const { state } = fake;
let api: LabTransport;

beforeAll(async () => {
  await import('./preload.js');
  api = state.exposed[0]![1] as LabTransport;
});

describe('the preload', () => {
  it('exposes one object with invoke and on, and nothing of Electron', () => {
    expect(state.exposed.map(([name]) => name)).toEqual([PRELOAD_GLOBAL]);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(api).every((member) => typeof member === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(fake.module.ipcRenderer);
  });

  it('passes the contract channels, and refuses any other before it reaches IPC', async () => {
    await expect(api.invoke(INVOKE_CHANNELS[0]!, {} as never)).resolves.toEqual({ answered: INVOKE_CHANNELS[0] });
    for (const channel of ['shell:exec', 'ELECTRON_BROWSER_REQUIRE', '__proto__', 'constructor']) {
      await expect(api.invoke(channel as never, {} as never)).resolves.toEqual({
        ok: false,
        error: { kind: 'invalid-request', message: expect.stringMatching(/unknown channel/) },
      });
    }
    expect(state.invoked.map(([channel]) => channel)).toEqual([INVOKE_CHANNELS[0]]);
  });

  it('hands the page the payload of a contract event, never the event object, and unsubscribes', () => {
    expect(() => api.on('ipc-message' as never, () => {})).toThrow(/unknown event/);
    const seen: unknown[][] = [];
    const off = api.on('engine:crashed', (...args: unknown[]) => void seen.push(args));
    const electronEvent = { sender: { send: () => {} }, ports: [] };
    for (const listener of state.listeners.get('engine:crashed') ?? []) listener(electronEvent, { message: 'stopped' });
    expect(seen).toEqual([[{ message: 'stopped' }]]);
    off();
    expect(state.listeners.get('engine:crashed')).toEqual([]);
  });
});
