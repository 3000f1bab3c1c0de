// The web shell's host: serves the built renderer and speaks the app's
// contract over a WebSocket, for machines where Electron cannot be installed.
// It listens on 127.0.0.1 only, and answers nothing without the per-launch
// token: the launch address carries it once (?token=…), the host swaps it for
// an HttpOnly, SameSite=Strict cookie, and every later request and the
// WebSocket must present that cookie. The Host header must name the loopback
// address (against DNS rebinding) and the WebSocket's Origin must be this
// host's own. Requests are validated exactly as Electron's IPC validates them,
// and answered as it answers them: an InvokeReply, the value or a LabError.

import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../csp.js';
import type { EventMap, EventName, SaveOutcome } from '../contract.js';
import { LabService, type SaveRequest } from '../service.js';
import { replyOf } from '../replies.js';
import { InvalidRequestError, isInvokeChannel, validateRequest } from '../validate.js';
import { decodeMessage, encodeMessage, type ClientMessage, type ServerMessage } from '../wire.js';

const COOKIE = 'vlab_token';
const MAX_MESSAGE_BYTES = 80 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the lab's exports are, by extension (a .npy is bytes, never text). */
const DOWNLOAD_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.npy': 'application/octet-stream',
};

export interface WebHostOptions {
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  appRoot: string;
  appVersion: string;
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Given by tests; otherwise 32 random bytes. */
  token?: string;
}

export interface WebHost {
  /** The launch address, token included: open it once. */
  url: string;
  port: number;
  /** The address it listens on: always the loopback address. */
  address: string;
  service: LabService;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(request: IncomingMessage): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return null;
}

function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cache-Control', 'no-store');
}

function refuse(response: ServerResponse, status: number, message: string): void {
  securityHeaders(response);
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${message}\n`);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const downloadDir = join(options.dataDir, 'downloads');
  const downloads = new Map<string, { path: string; fileName: string }>();
  const sockets = new Set<WebSocket>();
  let port = 0;

  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    const frame = encodeMessage({ type: 'event', event, payload } satisfies ServerMessage);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(frame);
  };

  // The browser saves files: the host writes one, then hands out a one-time address for it.
  const save = async (request: SaveRequest): Promise<SaveOutcome> => {
    await mkdir(downloadDir, { recursive: true });
    const id = randomBytes(16).toString('hex');
    const path = join(downloadDir, `${id}-${request.fileName}`);
    await request.write(path);
    downloads.set(id, { path, fileName: request.fileName });
    return { status: 'download', url: `/download/${id}`, fileName: request.fileName };
  };

  const service = new LabService(
    { shell: 'web', appVersion: options.appVersion, dataDir: options.dataDir, save, emit },
    options.appRoot,
  );
  // Both engines start loading while the browser opens: Live's calibration and opening grid come within a second.
  service.warm();

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origin = () => `http://127.0.0.1:${port}`;

  const authorized = (request: IncomingMessage) => {
    const presented = cookieToken(request);
    return presented !== null && sameSecret(presented, token);
  };

  const server = createServer(async (request, response) => {
    try {
      if (!allowedHosts().has(request.headers.host ?? '')) return refuse(response, 421, 'This lab answers only at 127.0.0.1.');
      if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Only GET is served here.');
      const url = new URL(request.url ?? '/', origin());
      const offered = url.searchParams.get('token');
      if (offered !== null) {
        if (!sameSecret(offered, token)) return refuse(response, 403, 'That token is not this launch’s. Start the lab again and use the address it prints.');
        securityHeaders(response);
        response.writeHead(303, {
          'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
          Location: '/',
        });
        return response.end();
      }
      if (!authorized(request)) return refuse(response, 403, 'This address needs the launch token: open the address that `npm start` printed.');
      if (url.pathname.startsWith('/download/')) return serveDownload(url.pathname.slice('/download/'.length), response);
      return serveStatic(url.pathname, response);
    } catch (error) {
      refuse(response, 500, `The lab host failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  const serveDownload = async (id: string, response: ServerResponse) => {
    const entry = downloads.get(id);
    if (!entry) return refuse(response, 404, 'That download has already been fetched or never existed.');
    downloads.delete(id);
    const { size } = await stat(entry.path);
    securityHeaders(response);
    response.writeHead(200, {
      'Content-Type': DOWNLOAD_TYPES[extname(entry.fileName)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="${entry.fileName.replace(/[^\w.-]/g, '_')}"`,
    });
    const stream = createReadStream(entry.path);
    stream.pipe(response);
    stream.on('close', () => void rm(entry.path, { force: true }));
  };

  const serveStatic = async (pathname: string, response: ServerResponse) => {
    const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^([/\\])+/, '');
    const file = resolve(rendererDir, relative);
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return refuse(response, 404, 'Not found.');
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return refuse(response, 404, 'Not found.');
      size = info.size;
    } catch {
      return refuse(response, 404, 'Not found.');
    }
    securityHeaders(response);
    response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
    createReadStream(file).pipe(response);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (!allowedHosts().has(request.headers.host ?? '')) return reject('421 Misdirected Request');
    if (request.headers.origin !== origin()) return reject('403 Forbidden');
    if (!authorized(request)) return reject('403 Forbidden');
    if (new URL(request.url ?? '/', origin()).pathname !== '/ws') return reject('404 Not Found');
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => void onMessage(ws, data as Buffer, isBinary));
    });
  });

  const onMessage = async (ws: WebSocket, data: Buffer, isBinary: boolean) => {
    let message: ClientMessage;
    try {
      if (!isBinary) throw new TypeError('expected a binary frame');
      message = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as ClientMessage;
      if (message?.type !== 'invoke' || !Number.isSafeInteger(message.id)) throw new TypeError('expected an invoke message');
    } catch (error) {
      ws.close(1003, error instanceof Error ? error.message.slice(0, 100) : 'bad message');
      return;
    }
    const { channel, request } = message;
    const answer = await replyOf(() => {
      if (!isInvokeChannel(channel)) throw new InvalidRequestError(String(channel), 'unknown channel');
      return service.handle(channel, validateRequest(channel, request));
    });
    const reply: ServerMessage = { type: 'response', id: message.id, ...answer };
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(reply));
  };

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;

  return {
    url: `${origin()}/?token=${token}`,
    port,
    address: bound.address,
    service,
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections?.();
      await service.close();
      await rm(downloadDir, { recursive: true, force: true });
    },
  };
}
