// The lesson's steps on this machine's hardware: the GPU (upload, kernel and readback apart; a smaller grid on a
// software adapter) and the roofline (the strategies placed against the machine's measured bandwidth and compute).
// Each returns the raw figures its sentences use.

import { devices } from '../backends/registry.js';
import { CancelledError } from '../backends/backend.js';
import { formatBytes } from '../strategies/memoryGuard.js';
import { strategyAvailability } from '../strategies/run.js';
import type { RunRecord } from '../strategies/types.js';
import { boundText } from '../machine/roofline.js';
import { currentMachineProfile } from '../machine/store.js';
import { fitting, type StepContext, type Values } from './stepContext.js';

/** The largest grid the GPU step runs on a software adapter. */
export const SOFTWARE_GPU_MAX_N = 1000;

/** The strategies the roofline step places, the one that moves the most bytes first. */
export const ROOFLINE_STRATEGIES = ['meshgrid-eager', 'meshgrid', 'vmap', 'pmap'] as const;

export async function gpuStep({ n: plannedN, run, signal }: StepContext): Promise<Values> {
  const status = (await strategyAvailability()).find((a) => a.strategy === 'gpu');
  if (!status?.available)
    return { n: plannedN, unavailable: true, reason: status?.reason ?? 'this engine has no gpu strategy' };
  // A software adapter (llvmpipe, SwiftShader) takes minutes over a 6000 grid: it shows the same split at a smaller
  // one.
  const softwareGpu = devices().some((d) => d.kind === 'gpu' && d.software === true);
  const n = softwareGpu ? Math.min(plannedN, SOFTWARE_GPU_MAX_N) : plannedN;
  let outcome: Awaited<ReturnType<typeof fitting<{ record: RunRecord }>>>;
  try {
    outcome = await fitting(() => run('gpu', false, n));
  } catch (error) {
    // The adapter was found but would not run (a driver that fails a second open, say): that is its reason.
    if (error instanceof CancelledError || signal?.aborted) throw error;
    return { n, unavailable: true, reason: error instanceof Error ? error.message : String(error) };
  }
  if ('refusal' in outcome) return { n, unavailable: false, refused: true, gridRefusal: outcome.refusal };
  const { record } = outcome.ok;
  const kernelMs = record.kernelMs ?? NaN;
  return {
    n,
    plannedN,
    softwareGpu: softwareGpu && n < plannedN,
    unavailable: false,
    refused: false,
    deviceName: record.deviceName ?? 'the GPU',
    uploadMs: record.uploadMs ?? NaN,
    kernelMs,
    readbackMs: record.readbackMs ?? NaN,
    totalMs: record.medianMs,
    kernelShare: `${Math.round((kernelMs / record.medianMs) * 100)} %`,
    otherDtype: record.computedDtype !== undefined && record.computedDtype !== record.dtype,
    computedDtype: record.computedDtype ?? record.dtype,
  };
}

export async function rooflineStep({ n, run }: StepContext): Promise<Values> {
  const profile = currentMachineProfile();
  const outcome = await fitting(async () => {
    const records: RunRecord[] = [];
    for (const strategy of ROOFLINE_STRATEGIES) records.push((await run(strategy)).record);
    return records;
  });
  if ('refusal' in outcome) return { n, refused: true, gridRefusal: outcome.refusal, placed: false };
  const [eager, mesh, v, p] = outcome.ok as [RunRecord, RunRecord, RunRecord, RunRecord];
  const values: Values = {
    n,
    refused: false,
    placed: profile !== null && v.bound !== undefined,
    meshBytes: formatBytes(mesh.bytesMoved ?? NaN),
    vmapBytes: formatBytes(v.bytesMoved ?? NaN),
    eagerBytes: formatBytes(eager.bytesMoved ?? NaN),
    bytesRatio: (mesh.bytesMoved ?? NaN) / (v.bytesMoved ?? NaN),
    opsPerPoint: v.opsPerPoint ?? 0,
    transcendentalsPerPoint: v.transcendentalsPerPoint ?? 0,
    meshGBps: mesh.achievedGBps ?? NaN,
    vmapGBps: v.achievedGBps ?? NaN,
    pmapGBps: p.achievedGBps ?? NaN,
    eagerWords: boundText(eager),
    meshWords: boundText(mesh),
    vmapWords: boundText(v),
    pmapWords: boundText(p),
  };
  if (profile) {
    values.dramGBps = profile.bandwidth.DRAM.writeGBps;
    values.cosPerNs = profile.transcendentalsPerNs[v.dtype];
  }
  return values;
}
