import { describe, expect, it } from 'vitest';
import { allocator } from '../core/allocator.js';
// The registry learns the native and webgpu loaders from this module (until it knows them itself, issue 12.1).
import { backendStatus, loadBackends } from '../backends/registry.js';
import { defaultBackend, runStrategy } from './run.js';

await loadBackends();
const nativeBuilt = backendStatus('native').available;

describe('meshgrid-eager evaluates f as NumPy does', () => {
  it('runs on the native backend by default where the addon is built, and on js where it is not', async () => {
    const { record } = await runStrategy({ strategy: 'meshgrid-eager', n: 60, dtype: 'float64', repeats: 1 });
    expect(record.backend).toBe(nativeBuilt ? 'native' : 'js');
    expect(defaultBackend('meshgrid-eager')).toBe(record.backend);
    expect(record.devices).toBe(1);
    expect(record.allclose).toBe(true);
  });

  it.each(nativeBuilt ? (['js', 'native'] as const) : (['js'] as const))(
    'on %s: one temporary per operation, every one from the allocator, so the peak is the predicted meshes plus temporaries',
    async (backend) => {
      const n = 90;
      for (const dtype of ['float64', 'float32'] as const) {
        const before = allocator.stats();
        const { record } = await runStrategy({ strategy: 'meshgrid-eager', n, dtype, repeats: 3, backend });
        const after = allocator.stats();
        expect(record).toMatchObject({ backend, allclose: true, outputBuffer: 'recycled' });
        // The seed's f is 7 operations (x², y², +, cos, 1 + x², + y², ÷): each call allocates 7 n×n results.
        const calls = record.repeats + 1;
        const allocations =
          after.freshAllocations + after.recycledAllocations - before.freshAllocations - before.recycledAllocations;
        expect(allocations).toBeGreaterThanOrEqual(7 * calls);
        expect(record.peakBytes).toBe(record.predictedBytes);
      }
    },
  );

  it.skipIf(!nativeBuilt)('gives the same grid on native as on js, NaN and infinities in the same places', async () => {
    const formula = 'log(x) / y + sqrt(x - y)';
    const js = await runStrategy(
      { strategy: 'meshgrid-eager', n: 41, dtype: 'float64', repeats: 1, backend: 'js', formula },
      { keepGrid: true },
    );
    const native = await runStrategy(
      { strategy: 'meshgrid-eager', n: 41, dtype: 'float64', repeats: 1, backend: 'native', formula },
      { keepGrid: true },
    );
    const a = js.grid!.toTypedArray();
    const b = native.grid!.toTypedArray();
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(a[i]!) || !Number.isFinite(a[i]!))
        expect(Object.is(a[i], b[i]) || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!))).toBe(true);
      else worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
    expect(native.record.nonFinite).toEqual(js.record.nonFinite);
    js.grid!.dispose();
    native.grid!.dispose();
  });

  it('refuses the GPU backend with the reason', async () => {
    await expect(
      runStrategy({ strategy: 'meshgrid-eager', n: 10, dtype: 'float32', repeats: 1, backend: 'webgpu' }),
    ).rejects.toThrow(/op by op on the CPU/);
  });
});
