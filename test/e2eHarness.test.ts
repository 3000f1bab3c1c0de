// The e2e harness fails fast: without Chromium `npm run test:e2e` stops at
// once, naming what is missing and how to install it; and a suite whose
// browser cannot start stops the web shell it started, so that its process
// ends instead of waiting on a live child until it is killed. The time bounds
// are bounds on hanging, far above the seconds these take.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function run(command: string, args: string[], env: Record<string, string>, killAfterMs: number) {
  return new Promise<{ code: number | null; output: string; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: performance.now() - started });
    });
  });
}

describe('the e2e harness without a browser', () => {
  it('npm run test:e2e exits non-zero within 30 s, naming the missing Chromium and its install command', async () => {
    const missing = '/nonexistent/vlab-test/chromium';
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = await run(npm, ['run', 'test:e2e'], { VLAB_BROWSER: missing }, 60_000);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull(); // null: it had to be killed
    expect(result.output).toContain(`no executable at ${missing}`);
    expect(result.output).toContain('apt-get install chromium');
    expect(result.ms).toBeLessThan(30_000);
  }, 90_000);

  it('a suite whose browser fails to start stops its web shell and ends', async () => {
    // /bin/false exists and runs, so the suite gets past the check, starts the web shell, and the launch fails.
    const result = await run(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', 'e2e/layout.e2e.ts'],
      { VLAB_BROWSER: '/bin/false' },
      150_000,
    );
    expect(result.code).not.toBeNull(); // null: it hung and had to be killed
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('browserType.launch');
    expect(result.ms).toBeLessThan(120_000);
  }, 180_000);
});
