import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from './server.js';
import { decodeMessage, encodeMessage, type ServerMessage } from '../wire.js';
import { CONTENT_SECURITY_POLICY } from '../csp.js';
import { countChecklist } from '../../test/reliability/checklist.js';
import { checkInvokeErrors } from '../../test/invokeErrors.js';
import { labApiOver, WebSocketTransport } from '../../renderer/src/lib/api.js';

countChecklist('web-shell-checklist');

const appRoot = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'test-token-0123456789';
let dir: string;
let host: WebHost;
let base: string;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function cookie(): Promise<string> {
  const reply = await get(`/?token=${TOKEN}`);
  const set = reply.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0]!;
}

function connect(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function invoke(socket: WebSocket, id: number, channel: string, request: unknown): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = decodeMessage(new Uint8Array(data)) as ServerMessage;
      if (message.type === 'response' && message.id === id) {
        socket.off('message', onMessage);
        resolve(message);
      }
    };
    socket.on('message', onMessage);
    socket.send(encodeMessage({ type: 'invoke', id, channel, request }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vlab-web-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>');
  await writeFile(join(dir, 'secret.txt'), 'not for the page');
  host = await startWebHost({ rendererDir, appRoot, appVersion: 'test', dataDir: join(dir, 'data'), token: TOKEN });
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the web shell host', () => {
  it('listens on the loopback address only', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
    expect(host.address).toBe('127.0.0.1');
    // Every other address of this machine refuses the connection outright.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address);
    for (const address of ['0.0.0.0', ...others]) {
      if (address === '0.0.0.0' && process.platform === 'win32') continue;
      const outcome = await new Promise<string>((done) => {
        const socket = tcpConnect({ host: address, port: host.port, timeout: 2000 });
        socket.once('connect', () => (socket.destroy(), done('connected')));
        socket.once('timeout', () => (socket.destroy(), done('timeout')));
        socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
      });
      if (address === '0.0.0.0') continue; // Linux routes 0.0.0.0 to loopback: it is not another interface.
      expect(outcome, address).not.toBe('connected');
    }
  });

  it('answers nothing without the launch token', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/index.html')).status).toBe(403);
    expect((await get('/?token=wrong-token')).status).toBe(403);
    expect((await get('/', { Cookie: 'vlab_token=wrong' })).status).toBe(403);
  });

  it('swaps the token for an HttpOnly, SameSite=Strict cookie, then serves the page with the CSP', async () => {
    const swap = await get(`/?token=${TOKEN}`);
    expect(swap.status).toBe(303);
    expect(swap.headers.location).toBe('/');
    expect(swap.headers['set-cookie']?.[0]).toMatch(/HttpOnly/);
    expect(swap.headers['set-cookie']?.[0]).toMatch(/SameSite=Strict/);
    const page = await get('/', { Cookie: await cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>lab</title>');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses another Host (DNS rebinding) and paths outside the renderer', async () => {
    expect((await get('/', { Host: `evil.example:${host.port}`, Cookie: await cookie() })).status).toBe(421);
    expect((await get('/../secret.txt', { Cookie: await cookie() })).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt', { Cookie: await cookie() })).status).toBe(404);
  });

  it('opens the WebSocket only for its own Origin with the token cookie', async () => {
    const auth = await cookie();
    await expect(connect({ Cookie: auth })).rejects.toThrow(/403/);
    await expect(connect({ Cookie: auth, Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({ Origin: base })).rejects.toThrow(/403/);
    const socket = await connect({ Cookie: auth, Origin: base });
    socket.close();
  });

  it('validates every request before the app acts on it', async () => {
    const socket = await connect({ Cookie: await cookie(), Origin: base });
    const bad = await invoke(socket, 1, 'surface:preview', {
      nx: -5,
      ny: 10,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float32',
      formula: 'x',
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request', message: expect.stringMatching(/request\.nx must be an integer/) },
    });
    const unknown = await invoke(socket, 2, 'shell:exec', { command: 'ls' });
    expect(unknown).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request', message: expect.stringMatching(/unknown channel/) },
    });
    const good = await invoke(socket, 3, 'formula:check', { text: 'cos(x^2' });
    expect(good).toMatchObject({ ok: true, value: { ok: false, position: 7 } });
    const polluted = await invoke(socket, 4, 'formula:check', JSON.parse('{"text":"x","__proto__":{"admin":true}}'));
    expect(polluted).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request', message: expect.stringMatching(/not expected/) },
    });
    socket.close();
  });

  it('closes a socket that sends something other than an invoke message', async () => {
    const closeCode = async (send: (socket: WebSocket) => void) => {
      const socket = await connect({ Cookie: await cookie(), Origin: base });
      const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
      send(socket);
      return closed;
    };
    expect(await closeCode((s) => s.send('{"type":"invoke"}'))).toBe(1003);
    expect(await closeCode((s) => s.send(new Uint8Array([0xff, 0x00, 0x13, 0x37])))).toBe(1003);
    expect(
      await closeCode((s) =>
        s.send(encodeMessage({ type: 'invoke', id: 1.5, channel: 'formula:check', request: { text: 'x' } } as never)),
      ),
    ).toBe(1003);
    // The host keeps serving the next socket.
    const socket = await connect({ Cookie: await cookie(), Origin: base });
    expect(await invoke(socket, 1, 'formula:check', { text: 'x' })).toMatchObject({ ok: true });
    socket.close();
  });

  it(
    "answers each refusal as a LabError that reaches the renderer's LabApi with its kind and numbers",
    { timeout: 120_000 },
    async () => {
      const auth = await cookie();
      const closed: string[] = [];
      const transport = new WebSocketTransport(
        `ws://127.0.0.1:${host.port}/ws`,
        (reason) => closed.push(reason),
        (url) => new WebSocket(url, { headers: { Cookie: auth, Origin: base } }) as never,
      );
      await checkInvokeErrors(labApiOver(transport), host.service);
      expect(closed).toEqual([]);
    },
  );
});
