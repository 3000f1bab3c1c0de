// Probes that cannot take the process down: a driver that aborts or hangs in
// its probe child becomes a reason. No GPU is needed: the probe children load
// a stand-in for Dawn.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAdapter } from './webgpuAdapter.js';

describe('probes in child processes', () => {
  /** A stand-in for the webgpu package that misbehaves in a chosen way, by candidate. */
  function fakeDawn(body: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'vlab-fake-dawn-'));
    const entry = join(dir, 'index.mjs');
    writeFileSync(entry, `export const globals = {};\nexport function create(options) {\n${body}\n}\n`);
    return entry;
  }
  const inProcess = async () => ({ create: () => ({}) as GPU, globals: {} });

  it('a driver that aborts or hangs in its probe becomes a reason; the process carries on', async () => {
    const entry = fakeDawn(`
      if (options.includes('backend=opengl')) process.abort();
      if (options.includes('backend=vulkan')) return { requestAdapter: () => new Promise(() => setInterval(() => {}, 1000)) };
      return { requestAdapter: async () => null };
    `);
    const result = await findAdapter({ prefer: 'auto', importDawn: inProcess, dawnEntry: entry, timeoutMs: 1500 });
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toMatch(/^no WebGPU adapter works on this machine/);
    expect(reason).toMatch(/platform: no adapter/);
    expect(reason).toMatch(/opengl: the driver crashed \(SIGABRT\)/);
    if (result.probed.some((p) => p.candidate.id === 'swiftshader'))
      expect(reason).toMatch(/swiftshader: the driver hung \(killed after 1500 ms\)/);
  });
});
