// The web shell's static files: the built renderer, served as files under
// its folder only (never a path outside it), each with its content type and
// the lab's security headers; and the plain-text refusal every other part
// of the host answers with.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../csp.js';

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

export function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cache-Control', 'no-store');
}

export function refuse(response: ServerResponse, status: number, message: string): void {
  securityHeaders(response);
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${message}\n`);
}

/** Serves `pathname` from the renderer's folder (index.html for /); anything outside it, or missing, is a 404. */
export async function serveStatic(rendererDir: string, pathname: string, response: ServerResponse): Promise<void> {
  const root = resolve(rendererDir);
  const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^([/\\])+/, '');
  const file = resolve(root, relative);
  if (file !== root && !file.startsWith(root + sep)) return refuse(response, 404, 'Not found.');
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return refuse(response, 404, 'Not found.');
    size = info.size;
  } catch {
    return refuse(response, 404, 'Not found.');
  }
  securityHeaders(response);
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
  });
  createReadStream(file).pipe(response);
}
