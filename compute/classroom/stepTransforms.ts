// The lesson's transformation steps: nested vmap against meshgrid (the same values in less memory, and JAX's own
// figure beside it where this machine's Python has JAX), and pmap (its rule shown by breaking it, then rows split
// over the native threads). Each returns the raw figures its sentences use.

import { NDArray } from '../core/ndarray.js';
import { linspace } from '../core/creation.js';
import { CancelledError } from '../backends/backend.js';
import { compileFormula } from '../formula/index.js';
import { formatBytes } from '../strategies/memoryGuard.js';
import { strategyAvailability } from '../strategies/run.js';
import { gridFunction } from '../strategies/grid.js';
import { DEFAULT_FORMULA, GRID_RANGE, type RunRecord } from '../strategies/types.js';
import { cpuDevices, pmap } from '../transforms/pmap.js';
import { vmap } from '../transforms/vmap.js';
import type { LessonValue } from './lessonText.js';
import { compareGrids, fitting, type StepContext, type Values } from './stepContext.js';

export async function vmapStep({ n, dtype, run }: StepContext): Promise<Values> {
  const outcome = await fitting(async () => {
    const v = await run('vmap', true);
    try {
      return { v, m: await run('meshgrid', true) };
    } catch (error) {
      v.grid!.dispose();
      throw error;
    }
  });
  if ('refusal' in outcome) return { n, refused: true, refusal: outcome.refusal, allclose: false };
  const { v, m } = outcome.ok;
  try {
    return {
      n,
      refused: false,
      ...compareGrids(v.grid!, m.grid!, dtype),
      vmapMs: v.record.medianMs,
      meshMs: m.record.medianMs,
      // The lab's own strategies always measure their peak (only a peer may not).
      vmapPeak: formatBytes(v.record.peakBytes ?? NaN),
      meshPeak: formatBytes(m.record.peakBytes ?? NaN),
      memoryRatio: (m.record.peakBytes ?? NaN) / (v.record.peakBytes ?? NaN),
      ...(await besideJax(v.record, run)),
    };
  } finally {
    v.grid!.dispose();
    m.grid!.dispose();
  }
}

export async function pmapStep({ n, dtype, formula, run }: StepContext): Promise<Values> {
  const status = (await strategyAvailability()).find((a) => a.strategy === 'pmap');
  const devices = cpuDevices().length;
  const values: Record<string, LessonValue> = { n, devices, tooMany: devices + 1 };

  // The rule, by breaking it: one slice more than there are devices.
  const f = gridFunction(compileFormula(formula ?? DEFAULT_FORMULA));
  const rows = vmap(vmap(f, { inAxes: [null, 0] }), { inAxes: [0, null] });
  const tooManyBlocks = NDArray.zeros([devices + 1, 2], dtype);
  const y = linspace(GRID_RANGE[0], GRID_RANGE[1], 4, { dtype });
  try {
    const out = await pmap(rows, { inAxes: [0, null] }).run([tooManyBlocks, y]);
    for (const a of Array.isArray(out) ? out : [out]) a.dispose();
    values.refusal = `(none: the engine accepted ${devices + 1} slices on ${devices} devices, which it should not)`;
  } catch (error) {
    values.refusal = error instanceof Error ? error.message : String(error);
  } finally {
    tooManyBlocks.dispose();
    y.dispose();
  }

  if (!status?.available)
    return { ...values, unavailable: true, reason: status?.reason ?? 'this engine has no pmap strategy' };
  const outcome = await fitting(async () => ({ p: await run('pmap'), v: await run('vmap') }));
  if ('refusal' in outcome) return { ...values, unavailable: false, refused: true, gridRefusal: outcome.refusal };
  const { p, v } = outcome.ok;
  return {
    ...values,
    unavailable: false,
    refused: false,
    blocks: p.record.devices,
    pmapMs: p.record.medianMs,
    vmapMs: v.record.medianMs,
    speedup: v.record.medianMs / p.record.medianMs,
    slowdown: p.record.medianMs / v.record.medianMs,
    faster: p.record.medianMs <= v.record.medianMs,
  };
}

/**
 * The lesson's claim checked against JAX itself, where this machine's Python
 * has it: the jax-vmap peer at the same n and dtype. Nothing when it has not.
 */
async function besideJax(vmapRecord: RunRecord, run: StepContext['run']): Promise<Values> {
  const status = (await strategyAvailability()).find((a) => a.strategy === 'jax-vmap');
  if (!status?.available) return { ranByJax: false };
  try {
    const { record } = await run('jax-vmap', false, vmapRecord.nx);
    return {
      ranByJax: true,
      jaxMs: record.medianMs,
      jaxVersions: record.peerVersions ?? 'JAX',
      labFaster: vmapRecord.medianMs <= record.medianMs,
      jaxRatio: Math.max(record.medianMs, vmapRecord.medianMs) / Math.min(record.medianMs, vmapRecord.medianMs),
    };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    // A refused grid or a failing Python leaves the lesson's own figures standing.
    return { ranByJax: false };
  }
}
