// Finds the GPU adapter the webgpu backend runs on, the way a user would want:
// a real GPU first, a software adapter only as a labelled fallback, and the
// user's own pick through VLAB_GPU. Dawn (the `webgpu` package) is loaded
// here and nowhere else.
//
// Adapters are first probed in a short-lived child process: a broken driver
// can hang or crash inside Dawn, and it must take down the probe, not the app.
// The chosen adapter is then opened in this process under a timeout. Any
// environment a driver needs (EGL_PLATFORM, VK_ICD_FILENAMES) is set here,
// around Dawn's initialisation, so neither users nor CI need a wrapper.
// This module never throws for "no GPU": it returns the reason as a value.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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

export interface OpenedAdapter {
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly probe: ProbedAdapter;
  /** Dawn's constants (GPUBufferUsage, GPUMapMode…), taken from the binding rather than globalThis. */
  readonly constants: DawnConstants;
  /** "llvmpipe (LLVM 15.0.6, 256 bits), OpenGL ES compatibility, software". */
  readonly label: string;
}

export interface DawnConstants {
  readonly GPUBufferUsage: { readonly MAP_READ: number; readonly COPY_SRC: number; readonly COPY_DST: number; readonly UNIFORM: number; readonly STORAGE: number; readonly QUERY_RESOLVE: number };
  readonly GPUMapMode: { readonly READ: number };
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

export type OpenResult = { ok: true; opened: OpenedAdapter; probed: ProbedAdapter[] } | { ok: false; reason: string; probed: ProbedAdapter[] };

/**
 * Discovery without opening: the adapter the probes chose, and how to open it
 * in this process later. Callers that may never use the GPU (a CLI command
 * that fails early, `vlab devices`) stop here and never initialise Dawn's
 * drivers in-process.
 */
export type FindResult =
  | { ok: true; chosen: ProbedAdapter; probed: ProbedAdapter[]; open(): Promise<OpenedAdapter> }
  | { ok: false; reason: string; probed: ProbedAdapter[] };

export interface OpenOptions {
  /** The user's pick; default process.env.VLAB_GPU. */
  prefer?: string;
  /** Loads Dawn (tests replace it to prove the "Dawn failed to load" path). */
  importDawn?: () => Promise<DawnModule>;
  /** Where the `webgpu` package's entry file is, for the probe child. */
  dawnEntry?: string;
  /** Probe in a child process (default) or in this one (Electron builds that cannot spawn Node). */
  isolateProbe?: boolean;
  /** Gives up on the probe, and on opening the adapter, after this long (default 20 s or VLAB_GPU_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Where distributions put SwiftShader's Vulkan ICD (Chromium ships it). */
const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib64/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
];

/** Names of adapters that run on the CPU, whatever the driver claims. */
const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|warp/i;

const DEFAULT_TIMEOUT_MS = 20_000;

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
    candidates.push({ id: 'opengl', api: 'opengl', createOptions: ['backend=opengl'], featureLevel: 'compatibility', env: { EGL_PLATFORM: 'surfaceless' }, softwareOnly: false });
    const icd = env.VLAB_SWIFTSHADER_ICD ?? SWIFTSHADER_ICDS.find((path) => existsSync(path));
    if (icd) {
      candidates.push({ id: 'swiftshader', api: 'vulkan', createOptions: ['backend=vulkan'], featureLevel: 'core', env: { VK_ICD_FILENAMES: icd }, softwareOnly: true });
    }
  }
  return candidates.map((c) => ({ ...c, createOptions: [...c.createOptions, ...DAWN_TOGGLES] }));
}

/** A user's pick (VLAB_GPU) as the candidates to probe and a rule to choose among them. */
interface Plan {
  candidates: AdapterCandidate[];
  /**
   * Given the probes so far (undefined: still running), the adapter to use,
   * null for "none will do", or 'pending'. Candidates are taken in order, so a
   * later one never wins over an earlier one that is still running.
   */
  decide(results: readonly (ProbedAdapter | undefined)[]): ProbedAdapter | null | 'pending';
}

function firstWhere(results: readonly (ProbedAdapter | undefined)[], accept: (p: ProbedAdapter) => boolean, skip: (i: number) => boolean = () => false): ProbedAdapter | null | 'pending' {
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
  if (pick === 'hardware') return { candidates: [...all], decide: (r) => firstWhere(r, hardware, (i) => all[i]!.softwareOnly) };
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
  return { candidates: [...all], decide: (r) => firstWhere(r, (p) => `${p.name} ${p.description}`.toLowerCase().includes(pick)) };
}

export function isDisabled(prefer: string | undefined): boolean {
  return ['off', 'none', '0', 'false'].includes((prefer ?? '').trim().toLowerCase());
}

function summary(probed: readonly ProbedAdapter[]): string {
  if (probed.length === 0) return 'no adapter was probed';
  return probed.map((p) => (p.ok ? `${p.candidate.id}: ${p.name}${p.software ? ' (software)' : ''}` : `${p.candidate.id}: ${p.error ?? 'failed'}`)).join('; ');
}

/** Loads Dawn, probes the candidates and opens the chosen adapter; never throws. */
export async function openAdapter(options: OpenOptions = {}): Promise<OpenResult> {
  const found = await findAdapter(options);
  if (!found.ok) return found;
  try {
    return { ok: true, opened: await found.open(), probed: found.probed };
  } catch (error) {
    return { ok: false, reason: message(error), probed: found.probed };
  }
}

/** Loads Dawn and probes the candidates; never throws. The adapter opens only when open() is called. */
export async function findAdapter(options: OpenOptions = {}): Promise<FindResult> {
  const prefer = options.prefer ?? process.env.VLAB_GPU;
  if (isDisabled(prefer)) return { ok: false, reason: `the GPU is disabled by VLAB_GPU=${prefer}`, probed: [] };
  const timeoutMs = options.timeoutMs ?? (Number(process.env.VLAB_GPU_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS);
  let dawn: DawnModule;
  try {
    dawn = await (options.importDawn ?? importDawn)();
  } catch (error) {
    return { ok: false, reason: `Dawn (the webgpu package) failed to load: ${message(error)}`, probed: [] };
  }
  const plan = planFor(prefer);
  const isolate = options.isolateProbe ?? process.versions.electron === undefined;
  const entry = options.dawnEntry ?? dawnEntryPath();
  const probeOne: ProbeOne = isolate && entry ? (c, signal) => probeInChild(entry, c, timeoutMs, signal) : (c) => probeHere(dawn, c, timeoutMs);
  const { chosen, probed } = await runPlan(plan, probeOne, !isolate);
  if (!chosen) {
    const reason = prefer && prefer.trim().toLowerCase() !== 'auto'
      ? `VLAB_GPU=${prefer} matches no working adapter (${summary(probed)}); unset it to choose automatically`
      : `no WebGPU adapter works on this machine (${summary(probed)})`;
    return { ok: false, reason, probed };
  }
  const open = async (): Promise<OpenedAdapter> => {
    try {
      return await withTimeout(openCandidate(dawn, chosen), timeoutMs, `opening ${chosen.name}`);
    } catch (error) {
      throw new Error(`the adapter ${chosen.name} was found but could not be opened: ${message(error)}`);
    }
  };
  return { ok: true, chosen, probed, open };
}

/** The adapter in words: "llvmpipe (…), OpenGL, compatibility mode, software". */
export function adapterLabel(probe: ProbedAdapter): string {
  return `${probe.name}, ${apiLabel(probe.candidate)}${probe.software ? ', software' : ''}`;
}

/**
 * Probes candidates (concurrently, each in its own child, unless `sequential`)
 * until the plan can decide; probes still running then are abandoned.
 */
type ProbeOne = (candidate: AdapterCandidate, abandon: AbortSignal) => Promise<ProbedAdapter>;

async function runPlan(plan: Plan, probeOne: ProbeOne, sequential: boolean): Promise<{ chosen: ProbedAdapter | null; probed: ProbedAdapter[] }> {
  const results: (ProbedAdapter | undefined)[] = plan.candidates.map(() => undefined);
  const settled = () => results.filter((r): r is ProbedAdapter => r !== undefined);
  const abandon = new AbortController();
  if (sequential) {
    for (let i = 0; i < plan.candidates.length; i++) {
      const decision = plan.decide(results);
      if (decision !== 'pending') return { chosen: decision, probed: settled() };
      results[i] = await probeOne(plan.candidates[i]!, abandon.signal);
    }
    const decision = plan.decide(results);
    return { chosen: decision === 'pending' ? null : decision, probed: settled() };
  }
  return new Promise((resolve) => {
    let done = false;
    const check = () => {
      if (done) return;
      const decision = plan.decide(results);
      if (decision === 'pending') return;
      done = true;
      abandon.abort();
      resolve({ chosen: decision, probed: settled() });
    };
    plan.candidates.forEach((candidate, i) => {
      void probeOne(candidate, abandon.signal).then((result) => {
        results[i] = result;
        check();
      });
    });
    check();
  });
}

async function importDawn(): Promise<DawnModule> {
  return (await import('webgpu')) as unknown as DawnModule;
}

function dawnEntryPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('webgpu');
  } catch {
    return undefined;
  }
}

/** Runs `body` with the candidate's environment set, restoring what was there before. */
async function withEnv<T>(env: Readonly<Record<string, string>>, body: () => Promise<T>): Promise<T> {
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

async function openCandidate(dawn: DawnModule, probe: ProbedAdapter): Promise<OpenedAdapter> {
  const { candidate } = probe;
  return withEnv(candidate.env, async () => {
    const gpu = dawn.create([...candidate.createOptions]);
    const adapter = await gpu.requestAdapter({ featureLevel: candidate.featureLevel, powerPreference: 'high-performance' });
    if (!adapter) throw new Error('Dawn returned no adapter on the second request');
    const features: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: computeLimits(adapter.limits) });
    return { gpu, adapter, device, probe, constants: dawn.globals as DawnConstants, label: adapterLabel(probe) };
  });
}

/** The limits compute kernels care about, raised to what the adapter offers (the defaults are lower). */
function computeLimits(limits: GPUSupportedLimits): Record<string, number> {
  return {
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
  };
}

export function apiLabel(candidate: AdapterCandidate): string {
  if (candidate.id === 'swiftshader') return 'Vulkan (SwiftShader)';
  if (candidate.api === 'opengl') return 'OpenGL, compatibility mode';
  return { linux: 'Vulkan', darwin: 'Metal', win32: 'D3D12' }[process.platform as string] ?? 'native API';
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

function describe(info: AdapterInfoLike, candidate: AdapterCandidate): { name: string; description: string; software: boolean } {
  const description = info.description ?? '';
  // Dawn's node binding gives the device name slugged ("llvmpipe-llvm-15-0-6-256-bits-"); the description then says more.
  const raw = info.device || description || info.vendor || 'unknown GPU';
  const name = /^[a-z0-9-]+$/.test(raw) && description ? `${raw.replace(/-+$/, '')} (${description})` : raw;
  const software = info.isFallbackAdapter === true || candidate.softwareOnly || SOFTWARE_NAMES.test(`${raw} ${description} ${info.architecture ?? ''}`);
  return { name, description, software };
}

function failed(candidate: AdapterCandidate, error: string): ProbedAdapter {
  return { candidate, ok: false, name: '', description: '', software: candidate.softwareOnly, error };
}

/** Dawn instances of in-process probes still running. */
const liveProbes = new Set<GPU>();

/** Probes in this process: no process to spawn, but a driver that crashes takes the process with it. */
async function probeHere(dawn: DawnModule, candidate: AdapterCandidate, timeoutMs: number): Promise<ProbedAdapter> {
  try {
    const info = await withTimeout(
      withEnv(candidate.env, async () => {
        // Held until the probe is done: an instance collected while in use takes the process down.
        const gpu = dawn.create([...candidate.createOptions]);
        liveProbes.add(gpu);
        try {
          const adapter = await gpu.requestAdapter({ featureLevel: candidate.featureLevel, powerPreference: 'high-performance' });
          if (!adapter) return null;
          const device = await adapter.requestDevice();
          device.destroy();
          return adapter.info;
        } finally {
          liveProbes.delete(gpu);
        }
      }),
      timeoutMs,
      `probing ${candidate.id}`,
    );
    return info ? { candidate, ok: true, ...describe(info, candidate) } : failed(candidate, 'no adapter');
  } catch (error) {
    return failed(candidate, message(error));
  }
}

/**
 * The probe child: create an instance for one candidate, request an adapter
 * and a device, run one tiny compute pass and read it back, and print what it
 * found as one JSON line. Plain JavaScript in a string, so it runs under Node
 * or Electron-as-Node without a build step.
 */
const PROBE_SOURCE = String.raw`
const [entry, candidateJson] = process.argv.slice(-2);
const c = JSON.parse(candidateJson);
Object.assign(process.env, c.env);
const report = (result) => { process.stdout.write('VLAB_PROBE ' + JSON.stringify(result) + '\n'); process.exit(0); };
try {
  const { create, globals } = await import(entry);
  // Held globally: a Dawn instance garbage-collected while in use takes the process down
  // (SwiftShader's probe aborted with "std::system_error: Invalid argument" before this).
  const gpu = create(c.createOptions);
  globalThis.vlabProbeInstance = gpu;
  const adapter = await gpu.requestAdapter({ featureLevel: c.featureLevel, powerPreference: 'high-performance' });
  if (!adapter) report({ ok: false, error: 'no adapter' });
  const device = await adapter.requestDevice();
  const U = globals.GPUBufferUsage;
  const out = device.createBuffer({ size: 4, usage: U.STORAGE | U.COPY_SRC });
  const read = device.createBuffer({ size: 4, usage: U.MAP_READ | U.COPY_DST });
  const module = device.createShaderModule({ code: '@group(0) @binding(0) var<storage, read_write> o: array<f32>; @compute @workgroup_size(1) fn main() { o[0] = 42.0; }' });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] }));
  pass.dispatchWorkgroups(1);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, read, 0, 4);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(globals.GPUMapMode.READ);
  const value = new Float32Array(read.getMappedRange())[0];
  const i = adapter.info;
  const info = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter };
  report(value === 42 ? { ok: true, info } : { ok: false, error: 'a test kernel computed ' + value + ' instead of 42' });
} catch (error) {
  report({ ok: false, error: String((error && error.message) || error) });
}
`;

interface ChildReport {
  ok: boolean;
  error?: string;
  info?: AdapterInfoLike;
}

function probeInChild(entry: string, candidate: AdapterCandidate, timeoutMs: number, abandon: AbortSignal): Promise<ProbedAdapter> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(process.execPath, ['--input-type=module', '-e', PROBE_SOURCE, '--', entry, JSON.stringify(candidate)], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolve(failed(candidate, `could not start the probe: ${message(error)}`));
      return;
    }
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    const stop = () => child.kill('SIGKILL');
    abandon.addEventListener('abort', stop, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(failed(candidate, `could not start the probe: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      abandon.removeEventListener('abort', stop);
      const line = stdout.split('\n').find((l) => l.startsWith('VLAB_PROBE '));
      if (!line) {
        const cause = signal === 'SIGKILL' ? `hung (killed after ${timeoutMs} ms)` : signal ? `crashed (${signal})` : `exited with code ${code}`;
        const last = stderr.trim().split('\n').filter((l) => !/XDG_RUNTIME_DIR/.test(l)).slice(-1)[0];
        resolve(failed(candidate, `the driver ${cause}${last ? `: ${last.trim()}` : ''}`));
        return;
      }
      const report = JSON.parse(line.slice('VLAB_PROBE '.length)) as ChildReport;
      resolve(report.ok && report.info ? { candidate, ok: true, ...describe(report.info, candidate) } : failed(candidate, report.error ?? 'failed'));
    });
  });
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
