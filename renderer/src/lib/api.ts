// The renderer's one door to the shell: the Electron preload's `window.vlab`
// when it is there, else the web shell's WebSocket on this page's own origin
// (the launch token rides in an HttpOnly cookie the page never sees). Both
// give the same LabApi, derived from main/contract.ts.

import type { EventMap, EventName, InvokeChannel, LabApi, RequestOf, ResponseOf } from '../../../main/contract';
import { decodeMessage, encodeMessage, type ClientMessage, type ServerMessage } from '../../../main/wire';

declare global {
  interface Window {
    vlab?: LabApi;
  }
}

type Listener = (payload: unknown) => void;

class WebSocketApi implements LabApi {
  private socket: WebSocket;
  private readonly opened: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    url: string,
    private readonly onClose: (reason: string) => void,
  ) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve(), { once: true });
      this.socket.addEventListener('error', () => reject(new Error('could not reach the lab host')), { once: true });
    });
    this.socket.addEventListener('message', (event) => this.onMessage(event.data as ArrayBuffer));
    this.socket.addEventListener('close', (event) => {
      const reason = `the connection to the lab host closed${event.reason ? `: ${event.reason}` : ''}`;
      for (const call of this.pending.values()) call.reject(new Error(reason));
      this.pending.clear();
      this.onClose(reason);
    });
  }

  async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    await this.opened;
    const id = this.nextId++;
    const message: ClientMessage = { type: 'invoke', id, channel, request };
    return new Promise<ResponseOf<C>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(encodeMessage(message));
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  private onMessage(data: ArrayBuffer): void {
    const message = decodeMessage(new Uint8Array(data)) as ServerMessage;
    if (message.type === 'event') {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    if (message.ok) call.resolve(message.value);
    else call.reject(new Error(message.error));
  }
}

export function connect(onClose: (reason: string) => void): LabApi {
  if (window.vlab) return window.vlab;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocketApi(`${scheme}//${location.host}/ws`, onClose);
}
