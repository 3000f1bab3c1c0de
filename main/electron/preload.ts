// The sandboxed preload: exposes the one typed contract to the page as
// `window.vlab` (a LabTransport) and nothing else — no ipcRenderer, no Node.
// Only the contract's channels and events pass; typed arrays cross as they
// are (structured clone), never as JSON. Each invoke resolves with its
// InvokeReply, a plain object: an Error thrown across the context bridge
// would lose its kind and numbers, so the page's own api.ts turns a refusal
// into a thrown LabFailure.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_NAMES,
  INVOKE_CHANNELS,
  PRELOAD_GLOBAL,
  type EventMap,
  type EventName,
  type InvokeChannel,
  type InvokeReply,
  type LabTransport,
  type RequestOf,
  type ResponseOf,
} from '../contract.js';

const api: LabTransport = {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<InvokeReply<ResponseOf<C>>> {
    if (!INVOKE_CHANNELS.includes(channel))
      return Promise.resolve({
        ok: false,
        error: { kind: 'invalid-request', message: `unknown channel '${String(channel)}'` },
      });
    return ipcRenderer.invoke(channel, request) as Promise<InvokeReply<ResponseOf<C>>>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    if (!EVENT_NAMES.includes(event)) throw new Error(`unknown event '${String(event)}'`);
    // The page never sees Electron's event object.
    const wrapped = (_event: IpcRendererEvent, payload: EventMap[E]) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);
