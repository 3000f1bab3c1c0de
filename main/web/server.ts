// The web shell's host: serves the built renderer (staticFiles.ts) and speaks
// the app's contract over a WebSocket (socketRpc.ts), with the launch token
// and cookie (launchToken.ts) and the browser's downloads (downloads.ts), for
// machines where Electron cannot be installed.
// It listens on 127.0.0.1 only, and answers nothing without the per-launch
// token: the launch address carries it once (?token=…), the host swaps it for
// an HttpOnly, SameSite=Strict cookie, and every later request and the
// WebSocket must present that cookie. The Host header must name the loopback
// address (against DNS rebinding) and the WebSocket's Origin must be this
// host's own. Requests are validated exactly as Electron's IPC validates them,
// and answered as it answers them: an InvokeReply, the value or a LabError.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LabService } from '../service.js';
import { Downloads } from './downloads.js';
import { LaunchToken } from './launchToken.js';
import { SocketRpc } from './socketRpc.js';
import { refuse, securityHeaders, serveStatic } from './staticFiles.js';

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

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = new LaunchToken(options.token);
  const downloads = new Downloads(join(options.dataDir, 'downloads'));
  let port = 0;
  const origin = () => `http://127.0.0.1:${port}`;
  const hostAllowed = (request: IncomingMessage) =>
    [`127.0.0.1:${port}`, `localhost:${port}`].includes(request.headers.host ?? '');

  const server = createServer(async (request, response) => {
    try {
      if (!hostAllowed(request)) return refuse(response, 421, 'This lab answers only at 127.0.0.1.');
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return refuse(response, 405, 'Only GET is served here.');
      const url = new URL(request.url ?? '/', origin());
      const offered = url.searchParams.get('token');
      if (offered !== null) {
        if (!token.matches(offered)) {
          return refuse(
            response,
            403,
            'That token is not this launch’s. Start the lab again and use the address it prints.',
          );
        }
        securityHeaders(response);
        response.writeHead(303, { 'Set-Cookie': token.cookie(), Location: '/' });
        return response.end();
      }
      if (!token.authorizes(request)) {
        return refuse(response, 403, 'This address needs the launch token: open the address that `npm start` printed.');
      }
      if (url.pathname.startsWith('/download/'))
        return await downloads.serve(url.pathname.slice('/download/'.length), response);
      return await serveStatic(options.rendererDir, url.pathname, response);
    } catch (error) {
      refuse(response, 500, `The lab host failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  const gate = { hostAllowed, origin, authorizes: (r: IncomingMessage) => token.authorizes(r) };
  const rpc: SocketRpc = new SocketRpc(server, gate, (channel, request) => service.handle(channel, request));
  const service: LabService = new LabService(
    { shell: 'web', appVersion: options.appVersion, dataDir: options.dataDir, save: downloads.save, emit: rpc.emit },
    options.appRoot,
  );
  // Both engines start loading while the browser opens: Live's calibration and opening grid come within a second.
  service.warm();

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;

  return {
    url: `${origin()}/?token=${token.value}`,
    port,
    address: bound.address,
    service,
    async close() {
      rpc.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections?.();
      await service.close();
      await downloads.close();
    },
  };
}
