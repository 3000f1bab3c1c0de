// Choosing an adapter as a user would: a real GPU first, software only as a
// fallback, VLAB_GPU to pick. Pure decisions over probe results: no GPU, no Dawn.

import { describe, expect, it } from 'vitest';
import {
  type AdapterCandidate,
  type ProbedAdapter,
  adapterCandidates,
  isDisabled,
  planFor,
} from './webgpuCandidates.js';

const candidates: AdapterCandidate[] = [
  { id: 'platform', api: 'platform', createOptions: [], featureLevel: 'core', env: {}, softwareOnly: false },
  {
    id: 'opengl',
    api: 'opengl',
    createOptions: ['backend=opengl'],
    featureLevel: 'compatibility',
    env: { EGL_PLATFORM: 'surfaceless' },
    softwareOnly: false,
  },
  {
    id: 'swiftshader',
    api: 'vulkan',
    createOptions: ['backend=vulkan'],
    featureLevel: 'core',
    env: { VK_ICD_FILENAMES: '/x.json' },
    softwareOnly: true,
  },
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
    expect(planFor('software', candidates).decide([probed(platform, 'NVIDIA H100'), llvmpipe, undefined])).toBe(
      llvmpipe,
    );
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
