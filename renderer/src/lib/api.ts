// The renderer's one door to the shell: the Electron preload's `window.vlab`
// when it is there, else the web shell's WebSocket on this page's own origin
// (the launch token rides in an HttpOnly cookie the page never sees). Both
// are LabTransports — each invoke answered with an InvokeReply — and the page
// gets one LabApi over either: invoke resolves with the value, or rejects
// with a LabFailure that carries the error's kind and numbers (a formula's
// position, the bytes a run needs), so call sites branch on `kind`.

import type {
  EventMap,
  EventName,
  InvokeChannel,
  InvokeReply,
  LabApi,
  LabTransport,
  RequestOf,
  ResponseOf,
} from '../../../main/contract.js';
import { LabFailure } from '../../../main/labError.js';
import { decodeMessage, encodeMessage, type ClientMessage, type ServerMessage } from '../../../main/wire.js';

export { LabFailure };

declare global {
  interface Window {
    vlab?: LabTransport;
  }
}

type Listener = (payload: unknown) => void;

/** What the WebSocket transport needs of a socket: the browser's WebSocket, or `ws`'s in a test. */
type SocketLike = Pick<WebSocket, 'addEventListener' | 'send' | 'binaryType'>;

export class WebSocketTransport implements LabTransport {
  private socket: SocketLike;
  private readonly opened: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: InvokeReply<unknown>) => void>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    url: string,
    private readonly onClose: (reason: string) => void,
    openSocket: (url: string) => SocketLike = (address) => new WebSocket(address),
  ) {
    this.socket = openSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve(), { once: true });
      this.socket.addEventListener(
        'error',
        () => reject(new LabFailure({ kind: 'disconnected', message: 'could not reach the lab host' })),
        { once: true },
      );
    });
    this.socket.addEventListener('message', (event) => this.onMessage(event.data as ArrayBuffer));
    this.socket.addEventListener('close', (event) => {
      const reason = `the connection to the lab host closed${event.reason ? `: ${event.reason}` : ''}`;
      for (const answer of this.pending.values())
        answer({ ok: false, error: { kind: 'disconnected', message: reason } });
      this.pending.clear();
      this.onClose(reason);
    });
  }

  async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<InvokeReply<ResponseOf<C>>> {
    await this.opened;
    const id = this.nextId++;
    const message: ClientMessage = { type: 'invoke', id, channel, request };
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (reply: InvokeReply<unknown>) => void);
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
    const answer = this.pending.get(message.id);
    if (!answer) return;
    this.pending.delete(message.id);
    const { type: _type, id: _id, ...reply } = message;
    answer(reply);
  }
}

/** The page's LabApi over a transport: a refused invoke rejects with a LabFailure, never with text. */
export function labApiOver(transport: LabTransport): LabApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const reply = await transport.invoke(channel, request);
      if (reply.ok) return reply.value;
      throw new LabFailure(reply.error);
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      return transport.on(event, listener);
    },
  };
}

export function connect(onClose: (reason: string) => void): LabApi {
  if (window.vlab) return labApiOver(window.vlab);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return labApiOver(new WebSocketTransport(`${scheme}//${location.host}/ws`, onClose));
}
