// The ways this machine might reach a GPU through Dawn, in the order a user
// would want them (a real GPU first, a software adapter only as a labelled
// fallback), the rule that chooses among what the probes found (VLAB_GPU),
// and the environment each candidate's driver needs (EGL_PLATFORM,
// VK_ICD_FILENAMES), set around Dawn's initialisation so that neither users
// nor CI need a wrapper. Pure choices and words: nothing here loads Dawn.

import { existsSync } from 'node:fs';

/** How Dawn is reached: the graphics API under WebGPU. */
export type GpuApi = 'platform' | 'vulkan' | 'opengl';

/** One way of asking Dawn for an adapter. */
export interface AdapterCandidate {
  /** What VLAB_GPU names it by. */
  readonly id: 'platform' | 'opengl' | 'swiftshader';
  readonly api: GpuApi;
  /** Arguments to Dawn's create(). */
  readonly createOptions: readonly string[];
  readonly featureLevel: 'core' | 'compatibility';
  /** Environment Dawn's drivers read while the instance is created. */
  readonly env: Readonly<Record<string, string>>;
  /** Always a software adapter (SwiftShader): never preferred over one that might be a real GPU. */
  readonly softwareOnly: boolean;
}

/** What a probe learnt about one candidate. */
export interface ProbedAdapter {
  readonly candidate: AdapterCandidate;
  readonly ok: boolean;
  /** Adapter name as the driver gives it, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  readonly name: string;
  readonly description: string;
  readonly software: boolean;
  readonly error?: string;
}

/** Where distributions put SwiftShader's Vulkan ICD (Chromium ships it). */
const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib64/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
];

/** Timestamps are read unquantized: the lab measures its own kernels, it does not guard against timing attacks. */
const DAWN_TOGGLES = ['disable-dawn-features=timestamp_quantization'];

/** Every way this machine might reach a GPU, in the order a user would want them. */
export function adapterCandidates(env: NodeJS.ProcessEnv = process.env): AdapterCandidate[] {
  const candidates: AdapterCandidate[] = [
    // Vulkan on Linux, Metal on macOS, D3D12 on Windows: where real GPUs are.
    { id: 'platform', api: 'platform', createOptions: [], featureLevel: 'core', env: {}, softwareOnly: false },
  ];
  if (process.platform === 'linux') {
    // Mesa's OpenGL: a real GPU where it has no Vulkan driver, llvmpipe where it has none at all.
    candidates.push({
      id: 'opengl',
      api: 'opengl',
      createOptions: ['backend=opengl'],
      featureLevel: 'compatibility',
      env: { EGL_PLATFORM: 'surfaceless' },
      softwareOnly: false,
    });
    const icd = env.VLAB_SWIFTSHADER_ICD ?? SWIFTSHADER_ICDS.find((path) => existsSync(path));
    if (icd) {
      candidates.push({
        id: 'swiftshader',
        api: 'vulkan',
        createOptions: ['backend=vulkan'],
        featureLevel: 'core',
        env: { VK_ICD_FILENAMES: icd },
        softwareOnly: true,
      });
    }
  }
  return candidates.map((c) => ({ ...c, createOptions: [...c.createOptions, ...DAWN_TOGGLES] }));
}

/** A user's pick (VLAB_GPU) as the candidates to probe and a rule to choose among them. */
export interface Plan {
  candidates: AdapterCandidate[];
  /**
   * Given the probes so far (undefined: still running), the adapter to use,
   * null for "none will do", or 'pending'. Candidates are taken in order, so a
   * later one never wins over an earlier one that is still running.
   */
  decide(results: readonly (ProbedAdapter | undefined)[]): ProbedAdapter | null | 'pending';
}

function firstWhere(
  results: readonly (ProbedAdapter | undefined)[],
  accept: (p: ProbedAdapter) => boolean,
  skip: (i: number) => boolean = () => false,
): ProbedAdapter | null | 'pending' {
  for (let i = 0; i < results.length; i++) {
    if (skip(i)) continue;
    const result = results[i];
    if (result === undefined) return 'pending';
    if (result.ok && accept(result)) return result;
  }
  return null;
}

export function planFor(prefer: string | undefined, all: readonly AdapterCandidate[] = adapterCandidates()): Plan {
  const pick = (prefer ?? '').trim().toLowerCase();
  const hardware = (p: ProbedAdapter) => !p.software;
  const named = all.filter((c) => c.id === pick);
  if (named.length) return { candidates: named, decide: (r) => firstWhere(r, () => true) };
  if (pick === 'vulkan') {
    const candidates = all.filter((c) => c.api !== 'opengl');
    return { candidates, decide: (r) => firstWhere(r, () => true) };
  }
  if (pick === 'hardware')
    return { candidates: [...all], decide: (r) => firstWhere(r, hardware, (i) => all[i]!.softwareOnly) };
  if (pick === 'software') return { candidates: [...all], decide: (r) => firstWhere(r, (p) => p.software) };
  if (pick === '' || pick === 'auto') {
    return {
      candidates: [...all],
      decide: (r) => {
        // A real GPU first; only once no candidate can still turn out to be one, the first software adapter.
        const real = firstWhere(r, hardware, (i) => all[i]!.softwareOnly);
        return real === null ? firstWhere(r, () => true) : real;
      },
    };
  }
  return {
    candidates: [...all],
    decide: (r) => firstWhere(r, (p) => `${p.name} ${p.description}`.toLowerCase().includes(pick)),
  };
}

export function isDisabled(prefer: string | undefined): boolean {
  return ['off', 'none', '0', 'false'].includes((prefer ?? '').trim().toLowerCase());
}

/** Runs `body` with the candidate's environment set, restoring what was there before. */
export async function withEnv<T>(env: Readonly<Record<string, string>>, body: () => Promise<T>): Promise<T> {
  const saved = Object.keys(env).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The adapter in words: "llvmpipe (…), OpenGL, compatibility mode, software". */
export function adapterLabel(probe: ProbedAdapter): string {
  return `${probe.name}, ${apiLabel(probe.candidate)}${probe.software ? ', software' : ''}`;
}

export function apiLabel(candidate: AdapterCandidate): string {
  if (candidate.id === 'swiftshader') return 'Vulkan (SwiftShader)';
  if (candidate.api === 'opengl') return 'OpenGL, compatibility mode';
  return { linux: 'Vulkan', darwin: 'Metal', win32: 'D3D12' }[process.platform as string] ?? 'native API';
}
