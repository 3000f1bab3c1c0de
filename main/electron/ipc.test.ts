import { describe, expect, it } from 'vitest';
import { registerIpc, type InvokeEventLike, type IpcMainLike } from './ipc.js';
import { INVOKE_CHANNELS, type InvokeReply } from '../contract.js';
import { APP_ENTRY } from './security.js';
import { countChecklist } from '../../test/reliability/checklist.js';

countChecklist('electron-checklist');

function setUp() {
  const handlers = new Map<string, (event: InvokeEventLike, request: unknown) => Promise<InvokeReply<unknown>>>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  const mainFrame = { url: APP_ENTRY };
  const contents = { mainFrame };
  const handled: [string, unknown][] = [];
  registerIpc(ipcMain, {
    windowContents: () => contents,
    handle: async (channel, request) => {
      handled.push([channel, request]);
      return { ok: true } as never;
    },
  });
  const invoke = (
    channel: string,
    request: unknown,
    event: InvokeEventLike = { sender: contents, senderFrame: mainFrame },
  ) => handlers.get(channel)!(event, request);
  return { handlers, contents, mainFrame, handled, invoke };
}

describe('the Electron IPC', () => {
  it('answers every channel of the contract, and only those', () => {
    const { handlers } = setUp();
    expect([...handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('passes validated requests from the lab window to the app', async () => {
    const { invoke, handled } = setUp();
    await expect(invoke('formula:check', { text: 'x + y' })).resolves.toEqual({ ok: true, value: { ok: true } });
    expect(handled).toEqual([['formula:check', { text: 'x + y' }]]);
  });

  it('refuses a request that fails validation, before the app sees it, as kind invalid-request', async () => {
    const { invoke, handled } = setUp();
    await expect(invoke('surface:preview', { n: 1e9, dtype: 'float32', formula: 'x' })).resolves.toEqual({
      ok: false,
      error: { kind: 'invalid-request', message: expect.stringMatching(/request\.n/) },
    });
    expect(handled).toEqual([]);
  });

  it('refuses other senders: another window, a subframe, a page that navigated away', async () => {
    const { invoke, contents, mainFrame, handled } = setUp();
    const request = { text: 'x' };
    const refused = {
      ok: false,
      error: { kind: 'refused', message: expect.stringMatching(/^refused 'formula:check'/) },
    };
    await expect(
      invoke('formula:check', request, { sender: { mainFrame: {} }, senderFrame: mainFrame }),
    ).resolves.toEqual(refused);
    await expect(
      invoke('formula:check', request, { sender: contents, senderFrame: { url: APP_ENTRY } }),
    ).resolves.toEqual(refused);
    mainFrame.url = 'https://example.org/';
    await expect(invoke('formula:check', request, { sender: contents, senderFrame: mainFrame })).resolves.toEqual(
      refused,
    );
    await expect(invoke('formula:check', request, { sender: contents, senderFrame: null })).resolves.toEqual(refused);
    expect(handled).toEqual([]);
  });
});
