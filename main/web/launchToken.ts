// The web shell's per-launch token: the launch address carries it once
// (?token=…), the host swaps it for an HttpOnly, SameSite=Strict cookie, and
// every later request and the WebSocket must present that cookie. Compared
// in constant time; never logged.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE = 'vlab_token';

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

export class LaunchToken {
  /** 32 random bytes unless a test gives one. */
  readonly value: string;

  constructor(value?: string) {
    this.value = value ?? randomBytes(32).toString('base64url');
  }

  /** Whether the launch address's ?token= is this launch's. */
  matches(offered: string): boolean {
    return sameSecret(offered, this.value);
  }

  /** The cookie that stands for the token from then on. */
  cookie(): string {
    return `${COOKIE}=${this.value}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Whether a request (a page, a download, the WebSocket's upgrade) presents the cookie. */
  authorizes(request: IncomingMessage): boolean {
    const presented = cookieToken(request);
    return presented !== null && sameSecret(presented, this.value);
  }
}
