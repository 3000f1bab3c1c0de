// Adapter discovery: the choice a user would make (a real GPU first, software
// only as a fallback, VLAB_GPU to pick), and probes that cannot take the
// process down — a driver that aborts or hangs in its probe child becomes a
// reason. No GPU is needed: the probe children load a stand-in for Dawn.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AdapterCandidate, type ProbedAdapter, adapterCandidates, findAdapter, isDisabled, planFor } from './webgpuAdapter.js';

const candidates: AdapterCandidate[] = [
  { id: 'platform', api: 'platform', createOptions: [], featureLevel: 'core', env: {}, softwareOnly: false },
  { id: 'opengl', api: 'opengl', createOptions: ['backend=opengl'], featureLevel: 'compatibility', env: { EGL_PLATFORM: 'surfaceless' }, softwareOnly: false },
  { id: 'swiftshader', api: 'vulkan', createOptions: ['backend=vulkan'], featureLevel: 'core', env: { VK_ICD_FILENAMES: '/x.json' }, softwareOnly: true },
];

function probed(candidate: AdapterCandidate, name: string | null, software = false): ProbedAdapter {
  return name === null
    ? { candidate, ok: false, name: '', description: '', software, error: 'no adapter' }
    : { candidate, ok: true, name, description: '', software };
}

describe('choosing an adapter', () => {
  const [platform, opengl, swiftshader] = candidates as [AdapterCandidate, AdapterCandidate, AdapterCandidate];

  it('takes a real GPU over any software adapter, even one that answered first', () => {
    const plan = planFor(undefined, candidates);
    const software = probed(opengl, 'llvmpipe', true);
    expect(plan.decide([undefined, software, probed(swiftshader, 'SwiftShader', true)])).toBe('pending');
    const nvidia = probed(platform, 'NVIDIA H100');
    expect(plan.decide([nvidia, software, undefined])).toBe(nvidia);
  });

  it('falls back to the first software adapter only once no real GPU can turn up', () => {
    const plan = planFor('auto', candidates);
    const llvmpipe = probed(opengl, 'llvmpipe', true);
    expect(plan.decide([probed(platform, null), llvmpipe, undefined])).toBe(llvmpipe);
    const swift = probed(swiftshader, 'SwiftShader', true);
    expect(plan.decide([probed(platform, null), probed(opengl, null), swift])).toBe(swift);
    expect(plan.decide([probed(platform, null), probed(opengl, null), probed(swiftshader, null, true)])).toBeNull();
  });

  it('follows VLAB_GPU: a candidate by id, hardware or software only, or a name', () => {
    expect(planFor('swiftshader', candidates).candidates.map((c) => c.id)).toEqual(['swiftshader']);
    const llvmpipe = probed(opengl, 'llvmpipe', true);
    expect(planFor('hardware', candidates).decide([probed(platform, null), llvmpipe, undefined])).toBeNull();
    expect(planFor('software', candidates).decide([probed(platform, 'NVIDIA H100'), llvmpipe, undefined])).toBe(llvmpipe);
    const nvidia = probed(platform, 'NVIDIA H100');
    expect(planFor('h100', candidates).decide([nvidia, llvmpipe, undefined])).toBe(nvidia);
    for (const off of ['none', 'off', '0', 'false']) expect(isDisabled(off)).toBe(true);
    expect(isDisabled(undefined)).toBe(false);
  });

  it('offers SwiftShader only where its driver is installed', () => {
    if (process.platform !== 'linux') return;
    const ids = adapterCandidates({ VLAB_SWIFTSHADER_ICD: '/opt/icd.json' }).map((c) => c.id);
    expect(ids).toEqual(['platform', 'opengl', 'swiftshader']);
  });
});

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
    if (result.probed.some((p) => p.candidate.id === 'swiftshader')) expect(reason).toMatch(/swiftshader: the driver hung \(killed after 1500 ms\)/);
  });
});
