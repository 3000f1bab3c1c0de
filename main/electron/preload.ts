// The sandboxed preload: exposes the one typed contract to the page as
// `window.vlab` (a LabApi) and nothing else — no ipcRenderer, no Node. Only
// the contract's channels and events pass; typed arrays cross as they are
// (structured clone), never as JSON.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, INVOKE_CHANNELS, PRELOAD_GLOBAL, type EventMap, type EventName, type InvokeChannel, type LabApi, type RequestOf, type ResponseOf } from '../contract.js';

const api: LabApi = {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    if (!INVOKE_CHANNELS.includes(channel)) return Promise.reject(new Error(`unknown channel '${String(channel)}'`));
    return ipcRenderer.invoke(channel, request) as Promise<ResponseOf<C>>;
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
