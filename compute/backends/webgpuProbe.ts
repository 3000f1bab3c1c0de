// Probing the candidates: by default each in its own short-lived child
// process, because a broken driver can hang or crash inside Dawn and it must
// take down the probe, not the app; in this process only where a child
// cannot be spawned (Electron builds). A probe runs one tiny compute pass and
// reads it back, and a hang, a crash or a wrong answer becomes a reason.
// Probes run concurrently until the plan can decide; the rest are abandoned.

import { spawn } from 'node:child_process';
import { type AdapterCandidate, type Plan, type ProbedAdapter, withEnv } from './webgpuCandidates.js';

/** The part of the webgpu package's module a probe and the opener use. */
export interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

/** Names of adapters that run on the CPU, whatever the driver claims. */
const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|warp/i;

/**
 * Probes candidates (concurrently, each in its own child, unless `sequential`)
 * until the plan can decide; probes still running then are abandoned.
 */
export type ProbeOne = (candidate: AdapterCandidate, abandon: AbortSignal) => Promise<ProbedAdapter>;

export async function runPlan(
  plan: Plan,
  probeOne: ProbeOne,
  sequential: boolean,
): Promise<{ chosen: ProbedAdapter | null; probed: ProbedAdapter[] }> {
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

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

function describe(
  info: AdapterInfoLike,
  candidate: AdapterCandidate,
): { name: string; description: string; software: boolean } {
  const description = info.description ?? '';
  // Dawn's node binding gives the device name slugged ("llvmpipe-llvm-15-0-6-256-bits-"); the description then says
  // more.
  const raw = info.device || description || info.vendor || 'unknown GPU';
  const name = /^[a-z0-9-]+$/.test(raw) && description ? `${raw.replace(/-+$/, '')} (${description})` : raw;
  const software =
    info.isFallbackAdapter === true ||
    candidate.softwareOnly ||
    SOFTWARE_NAMES.test(`${raw} ${description} ${info.architecture ?? ''}`);
  return { name, description, software };
}

function failed(candidate: AdapterCandidate, error: string): ProbedAdapter {
  return { candidate, ok: false, name: '', description: '', software: candidate.softwareOnly, error };
}

/** Dawn instances of in-process probes still running. */
const liveProbes = new Set<GPU>();

/** Probes in this process: no process to spawn, but a driver that crashes takes the process with it. */
export async function probeHere(
  dawn: DawnModule,
  candidate: AdapterCandidate,
  timeoutMs: number,
): Promise<ProbedAdapter> {
  try {
    const info = await withTimeout(
      withEnv(candidate.env, async () => {
        // Held until the probe is done: an instance collected while in use takes the process down.
        const gpu = dawn.create([...candidate.createOptions]);
        liveProbes.add(gpu);
        try {
          const adapter = await gpu.requestAdapter({
            featureLevel: candidate.featureLevel,
            powerPreference: 'high-performance',
          });
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
  const module = device.createShaderModule({
    code: '@group(0) @binding(0) var<storage, read_write> o: array<f32>; ' +
      '@compute @workgroup_size(1) fn main() { o[0] = 42.0; }',
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }],
  }));
  pass.dispatchWorkgroups(1);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, read, 0, 4);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(globals.GPUMapMode.READ);
  const value = new Float32Array(read.getMappedRange())[0];
  const i = adapter.info;
  const info = {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isFallbackAdapter: i.isFallbackAdapter,
  };
  report(
    value === 42 ? { ok: true, info } : { ok: false, error: 'a test kernel computed ' + value + ' instead of 42' },
  );
} catch (error) {
  report({ ok: false, error: String((error && error.message) || error) });
}
`;

interface ChildReport {
  ok: boolean;
  error?: string;
  info?: AdapterInfoLike;
}

export function probeInChild(
  entry: string,
  candidate: AdapterCandidate,
  timeoutMs: number,
  abandon: AbortSignal,
): Promise<ProbedAdapter> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(
        process.execPath,
        ['--input-type=module', '-e', PROBE_SOURCE, '--', entry, JSON.stringify(candidate)],
        {
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
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
        const cause =
          signal === 'SIGKILL'
            ? `hung (killed after ${timeoutMs} ms)`
            : signal
              ? `crashed (${signal})`
              : `exited with code ${code}`;
        const last = stderr
          .trim()
          .split('\n')
          .filter((l) => !/XDG_RUNTIME_DIR/.test(l))
          .slice(-1)[0];
        resolve(failed(candidate, `the driver ${cause}${last ? `: ${last.trim()}` : ''}`));
        return;
      }
      const report = JSON.parse(line.slice('VLAB_PROBE '.length)) as ChildReport;
      resolve(
        report.ok && report.info
          ? { candidate, ok: true, ...describe(report.info, candidate) }
          : failed(candidate, report.error ?? 'failed'),
      );
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

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
