// The Electron transport end to end, short of Electron itself: the page's
// LabApi (renderer/src/lib/api.ts) over the real preload, whose ipcRenderer
// hands each invoke — structured-cloned, as Electron's IPC does — to the
// handlers registerIpc() installs over a real LabService. Each refusal must
// reach the page as a LabFailure with its kind and numbers, not as
// Electron's "Error invoking remote method" text.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventMap, EventName, LabTransport } from '../contract.js';
import { LabService } from '../service.js';
import { registerIpc, type InvokeEventLike } from './ipc.js';
import { APP_ENTRY } from './security.js';
import { labApiOver } from '../../renderer/src/lib/api.js';
import { checkInvokeErrors } from '../../test/invokeErrors.js';

type Listener = (...args: unknown[]) => void;

const electron = vi.hoisted(() => {
  const state = {
    exposed: null as unknown,
    handlers: new Map<string, (event: unknown, request: unknown) => Promise<unknown>>(),
    listeners: new Map<string, Listener[]>(),
    event: null as unknown,
  };
  const module = {
    contextBridge: { exposeInMainWorld: (_name: string, api: unknown) => void (state.exposed = api) },
    ipcRenderer: {
      // Electron's IPC clones both ways: nothing but plain data crosses.
      invoke: async (channel: string, request: unknown) =>
        structuredClone(await state.handlers.get(channel)!(state.event, structuredClone(request))),
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

vi.mock('electron', () => ({ ...electron.module, default: electron.module }));

const appRoot = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;
let service: LabService;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vlab-ipc-errors-'));
  const { state } = electron;
  const mainFrame = { url: APP_ENTRY };
  const contents = { mainFrame };
  state.event = { sender: contents, senderFrame: mainFrame } satisfies InvokeEventLike;
  service = new LabService(
    {
      shell: 'electron',
      appVersion: 'test',
      dataDir,
      save: async (request) => {
        const path = join(dataDir, request.fileName);
        await request.write(path);
        return { status: 'saved', path };
      },
      emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
        for (const listener of state.listeners.get(event) ?? []) listener({ sender: {} }, structuredClone(payload));
      },
    },
    appRoot,
  );
  registerIpc(
    { handle: (channel, listener) => void state.handlers.set(channel, listener as never) },
    { windowContents: () => contents, handle: (channel, request) => service.handle(channel, request) },
  );
  await import('./preload.js');
});

afterAll(async () => {
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('errors over the Electron transport', () => {
  it(
    "answers each refusal as a LabError that reaches the renderer's LabApi with its kind and numbers",
    { timeout: 120_000 },
    async () => {
      const transport = electron.state.exposed as LabTransport;
      await checkInvokeErrors(labApiOver(transport), service);
    },
  );

  it('refuses a sender other than the lab window as kind refused, never by throwing through IPC', async () => {
    const handler = electron.state.handlers.get('formula:check')!;
    const reply = await handler({ sender: { mainFrame: {} }, senderFrame: { url: APP_ENTRY } }, { text: 'x' });
    expect(reply).toEqual({
      ok: false,
      error: { kind: 'refused', message: expect.stringMatching(/did not come from the lab's window/) },
    });
  });
});
