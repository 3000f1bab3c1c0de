// The gpu strategy through the runner, as `vlab run --strategies gpu` runs it:
// a complete record with the time split and the adapter named, float64
// requests answered in float32 and said so; to a number, fused on the GPU in
// two passes and agreeing with vmap. Skipped where no adapter works
// (the unavailable path is in compute/backends/webgpu.unavailable.test.ts).

import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.js';
import { backendStatus, loadBackends } from '../backends/registry.js';
import type { ResultsDocument } from '../report/jsonExport.js';
import { runStrategy, strategyAvailability } from './run.js';

await loadBackends();
const status = backendStatus('webgpu');
if (!status.available) console.warn(`gpu strategy tests skipped: ${status.reason}`);

describe.runIf(status.available)('the gpu strategy', () => {
  it('is listed available', async () => {
    const listed = (await strategyAvailability()).find((s) => s.strategy === 'gpu');
    expect(listed).toMatchObject({ strategy: 'gpu', available: true });
  });

  it('returns a complete record: allclose to float64, upload/kernel/read-back split, adapter named', async () => {
    const { record } = await runStrategy({ strategy: 'gpu', n: 64, dtype: 'float32', repeats: 2 });
    expect(record).toMatchObject({ strategy: 'gpu', backend: 'webgpu', devices: 1, shape: [64, 64], allclose: true });
    // At least the repeats asked for; quick calls are timed more often (timing.ts).
    expect(record.repeats).toBeGreaterThanOrEqual(2);
    expect(record.maxAbsErr).toBeLessThan(1e-5);
    for (const key of ['uploadMs', 'kernelMs', 'readbackMs'] as const) expect(record[key]).toBeGreaterThanOrEqual(0);
    expect(record.kernelMs!).toBeLessThanOrEqual(record.medianMs);
    expect(record.deviceName).toMatch(/\w/);
    expect(record.computedDtype).toBeUndefined();
    expect(record.note).toMatch(/writing nx·ny float32 on this GPU/);
    // Flat x and y and the float32 grid: nothing n×n but the result.
    expect(record.peakBytes).toBeLessThanOrEqual(record.predictedBytes);
  });

  it("says in the note where the GPU's atan2, mod or sinh differ from NumPy's, only for the primitives the formula uses", async () => {
    const { record } = await runStrategy({
      strategy: 'gpu',
      n: 40,
      dtype: 'float32',
      repeats: 1,
      formula: 'atan2(y, x) + x % 0.7 + sinh(x)',
    });
    expect(record.allclose).toBe(true);
    expect(record.note).toMatch(/on the GPU: /);
    for (const said of [/atan2: Cephes float32/, /sinh: Cephes float32/, /mod: NumPy's \(the divisor's sign\)/])
      expect(record.note).toMatch(said);
    const lesson = await runStrategy({ strategy: 'gpu', n: 40, dtype: 'float32', repeats: 1, formula: 'x * y + 1' });
    expect(lesson.record.note).not.toMatch(/on the GPU:/);
  });

  it('answers float64 in float32 and says so', async () => {
    const { record } = await runStrategy({
      strategy: 'gpu',
      n: 33,
      dtype: 'float64',
      repeats: 1,
      formula: 'x * exp(-x^2 - y^2)',
    });
    expect(record).toMatchObject({ dtype: 'float64', computedDtype: 'float32', allclose: true });
    expect(record.note).toMatch(/float32/);
    expect(record.maxAbsErr).toBeGreaterThan(0);
  });

  it('to a number, agrees with vmap as `vlab run --n 300 --reduce max --strategies gpu,vmap --json`: two passes, no grid', async () => {
    const { code, stdout } = await cli(['run', '--n', '300', '--reduce', 'max', '--strategies', 'gpu,vmap', '--json']);
    expect(code).toBe(0);
    const records = (JSON.parse(stdout) as ResultsDocument).records;
    const gpu = records.find((r) => r.strategy === 'gpu')!;
    const vmap = records.find((r) => r.strategy === 'vmap')!;
    for (const record of [gpu, vmap]) expect(record).toMatchObject({ reduce: 'max', shape: [], allclose: true });
    // Both compute f in float32 (the GPU with its own cos): the same point, the same value to float32's rounding.
    expect(gpu.at).toEqual(vmap.at);
    expect(gpu.value!).toBeCloseTo(vmap.value!, 6);
    expect(gpu.note).toMatch(
      /reduced on the GPU in two passes .*: the partials, \d+ bytes on the GPU, and the grid was never stored/,
    );
    expect(gpu.note).not.toMatch(/writing nx·ny/);
    // The 300 × 300 float32 grid is 360,000 bytes: neither run held it, here or (the note says) on the GPU.
    expect(gpu.peakBytes!).toBeLessThan(300 * 300 * 4);
    expect(gpu.peakBytes!).toBeLessThanOrEqual(gpu.predictedBytes);
    // On the roofline, a fused run to a number moves x and y, not a grid.
    expect(gpu.bytesMoved).toBe(600 * 4);
  });

  it('to a number: sum, mean and min on the GPU match the float64 reference to float32 rounding', async () => {
    for (const reduce of ['sum', 'mean', 'min'] as const) {
      const { record } = await runStrategy({ strategy: 'gpu', nx: 257, ny: 129, reduce, repeats: 0 });
      expect(record, reduce).toMatchObject({ reduce, allclose: true });
      expect(record.error!, reduce).toBeLessThan(1e-6);
      expect(record.note, reduce).toMatch(/two passes/);
    }
  });
});
