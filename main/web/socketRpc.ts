// The web shell's WebSocket: the app's contract over binary frames (wire.ts).
// An upgrade is accepted only at /ws, from this host's own origin, at the
// loopback address, with the launch cookie; each invoke is validated exactly
// as Electron's IPC validates it and answered as it answers: an InvokeReply,
// the value or a LabError. Events go to every open socket.

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventMap, EventName } from '../contract.js';
import { replyOf } from '../replies.js';
import type { LabService } from '../service.js';
import { InvalidRequestError, isInvokeChannel, validateRequest } from '../validate.js';
import { decodeMessage, encodeMessage, type ClientMessage, type ServerMessage } from '../wire.js';

const MAX_MESSAGE_BYTES = 80 * 1024 * 1024;

export interface SocketGate {
  /** Whether the Host header names this host at the loopback address. */
  hostAllowed(request: IncomingMessage): boolean;
  /** This host's own origin, the only one a socket may come from. */
  origin(): string;
  /** Whether the request carries the launch cookie. */
  authorizes(request: IncomingMessage): boolean;
}

export class SocketRpc {
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  /** `handle` answers a validated invoke: the lab service's, which in turn takes `emit` as its hook. */
  constructor(
    server: Server,
    gate: SocketGate,
    private readonly handle: LabService['handle'],
  ) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const reject = (status: string) => {
        socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
        socket.destroy();
      };
      if (!gate.hostAllowed(request)) return reject('421 Misdirected Request');
      if (request.headers.origin !== gate.origin()) return reject('403 Forbidden');
      if (!gate.authorizes(request)) return reject('403 Forbidden');
      if (new URL(request.url ?? '/', gate.origin()).pathname !== '/ws') return reject('404 Not Found');
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.on('message', (data, isBinary) => void this.onMessage(ws, data as Buffer, isBinary));
      });
    });
  }

  readonly emit = <E extends EventName>(event: E, payload: EventMap[E]): void => {
    const frame = encodeMessage({ type: 'event', event, payload } satisfies ServerMessage);
    for (const socket of this.sockets) if (socket.readyState === socket.OPEN) socket.send(frame);
  };

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
  }

  private async onMessage(ws: WebSocket, data: Buffer, isBinary: boolean): Promise<void> {
    let message: ClientMessage;
    try {
      if (!isBinary) throw new TypeError('expected a binary frame');
      message = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as ClientMessage;
      if (message?.type !== 'invoke' || !Number.isSafeInteger(message.id))
        throw new TypeError('expected an invoke message');
    } catch (error) {
      ws.close(1003, error instanceof Error ? error.message.slice(0, 100) : 'bad message');
      return;
    }
    const { channel, request } = message;
    const answer = await replyOf(() => {
      if (!isInvokeChannel(channel)) throw new InvalidRequestError(String(channel), 'unknown channel');
      return this.handle(channel, validateRequest(channel, request));
    });
    const reply: ServerMessage = { type: 'response', id: message.id, ...answer };
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(reply));
  }
}
