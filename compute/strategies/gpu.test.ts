// The gpu strategy through the runner, as `vlab run --strategies gpu` runs it:
// a complete record with the time split and the adapter named, float64
// requests answered in float32 and said so. Skipped where no adapter works
// (the unavailable path is in compute/backends/webgpu.unavailable.test.ts).

import { describe, expect, it } from 'vitest';
import { backendStatus, loadBackends } from '../backends/registry.js';
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

  it('answers float64 in float32 and says so', async () => {
    const { record } = await runStrategy({ strategy: 'gpu', n: 33, dtype: 'float64', repeats: 1, formula: 'x * exp(-x^2 - y^2)' });
    expect(record).toMatchObject({ dtype: 'float64', computedDtype: 'float32', allclose: true });
    expect(record.note).toMatch(/float32/);
    expect(record.maxAbsErr).toBeGreaterThan(0);
  });
});
