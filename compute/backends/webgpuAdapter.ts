// Finds the GPU adapter the webgpu backend runs on and opens it: Dawn (the
// `webgpu` package) is imported into this process here and nowhere else (a
// probe child imports it by path), the candidates are
// probed (webgpuProbe.ts) and chosen by the user's rule (webgpuCandidates.ts),
// and the chosen adapter is opened in this process under a timeout, with the
// limits compute kernels need. This module never throws for "no GPU": it
// returns the reason as a value.

import { createRequire } from 'node:module';
import { type ProbedAdapter, adapterLabel, isDisabled, planFor, withEnv } from './webgpuCandidates.js';
import {
  type DawnModule,
  type ProbeOne,
  message,
  probeHere,
  probeInChild,
  runPlan,
  withTimeout,
} from './webgpuProbe.js';

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
  readonly GPUBufferUsage: {
    readonly MAP_READ: number;
    readonly COPY_SRC: number;
    readonly COPY_DST: number;
    readonly UNIFORM: number;
    readonly STORAGE: number;
    readonly QUERY_RESOLVE: number;
  };
  readonly GPUMapMode: { readonly READ: number };
}

export type OpenResult =
  { ok: true; opened: OpenedAdapter; probed: ProbedAdapter[] } | { ok: false; reason: string; probed: ProbedAdapter[] };

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

const DEFAULT_TIMEOUT_MS = 20_000;

function summary(probed: readonly ProbedAdapter[]): string {
  if (probed.length === 0) return 'no adapter was probed';
  return probed
    .map((p) =>
      p.ok
        ? `${p.candidate.id}: ${p.name}${p.software ? ' (software)' : ''}`
        : `${p.candidate.id}: ${p.error ?? 'failed'}`,
    )
    .join('; ');
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
  const probeOne: ProbeOne =
    isolate && entry ? (c, signal) => probeInChild(entry, c, timeoutMs, signal) : (c) => probeHere(dawn, c, timeoutMs);
  const { chosen, probed } = await runPlan(plan, probeOne, !isolate);
  if (!chosen) {
    const reason =
      prefer && prefer.trim().toLowerCase() !== 'auto'
        ? `VLAB_GPU=${prefer} matches no working adapter (${summary(probed)}); unset it to choose automatically`
        : `no WebGPU adapter works on this machine (${summary(probed)})`;
    return { ok: false, reason, probed };
  }
  const open = async (): Promise<OpenedAdapter> => {
    try {
      return await withTimeout(openCandidate(dawn, chosen), timeoutMs, `opening ${chosen.name}`);
    } catch (error) {
      throw new Error(`the adapter ${chosen.name} was found but could not be opened: ${message(error)}`, {
        cause: error,
      });
    }
  };
  return { ok: true, chosen, probed, open };
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

async function openCandidate(dawn: DawnModule, probe: ProbedAdapter): Promise<OpenedAdapter> {
  const { candidate } = probe;
  return withEnv(candidate.env, async () => {
    const gpu = dawn.create([...candidate.createOptions]);
    const adapter = await gpu.requestAdapter({
      featureLevel: candidate.featureLevel,
      powerPreference: 'high-performance',
    });
    if (!adapter) throw new Error('Dawn returned no adapter on the second request');
    const features: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    const device = await adapter.requestDevice({
      requiredFeatures: features,
      requiredLimits: computeLimits(adapter.limits),
    });
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
