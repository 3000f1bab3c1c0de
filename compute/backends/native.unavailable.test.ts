// The engine where the addon cannot be loaded (no compiler on the user's
// machine): native and pmap are listed as unavailable with the reason, and
// everything else works. The environment is set before the engine is
// imported, as it would be on such a machine.

import { beforeAll, describe, expect, it } from 'vitest';

process.env.VLAB_NATIVE_PATH = '/nonexistent/compute/native/build/Release/vlab_native.node';
process.env.VLAB_GPU = 'none';

import type { NDArray } from '../core/ndarray.js';

type Engine = typeof import('../index.js');
let engine: Engine;
let measureLimit: (typeof import('../strategies/limit.js'))['measureLimit'];

beforeAll(async () => {
  engine = await import('../index.js');
  ({ measureLimit } = await import('../strategies/limit.js'));
  await engine.loadBackends();
});

describe('without the native addon', () => {
  it('lists native as unavailable, with the reason', () => {
    const status = engine.backendStatus('native');
    expect(status.available).toBe(false);
    expect(!status.available && status.reason).toMatch(
      /not built: .*vlab_native.node does not exist.*npm run build:native/,
    );
    expect(engine.devices().some((d) => d.backend === 'native')).toBe(false);
    expect(engine.defaultBackend()).toBe('js');
  });

  it('lists the pmap strategy as unavailable with the reason, the others as available', async () => {
    const listed = await engine.strategyAvailability();
    const pmap = listed.find((s) => s.strategy === 'pmap')!;
    expect(pmap.available).toBe(false);
    expect(pmap.reason).toMatch(/native threads.*not built/);
    for (const name of ['loops', 'naive', 'meshgrid', 'meshgrid-eager', 'vmap'] as const) {
      expect(listed.find((s) => s.strategy === name)).toMatchObject({ available: true });
    }
    const onNative = await engine.strategyAvailability('native');
    expect(onNative.find((s) => s.strategy === 'vmap')).toMatchObject({ available: false });
  });

  it('runs the other strategies on the JS backend, and refuses pmap with the reason', async () => {
    const { record } = await engine.runStrategy({ strategy: 'vmap', n: 30, dtype: 'float64', repeats: 1 });
    expect(record).toMatchObject({ backend: 'js', allclose: true });
    await expect(engine.runStrategy({ strategy: 'pmap', n: 30 })).rejects.toThrow(/pmap cannot run.*not built/);
    await expect(engine.runStrategy({ strategy: 'vmap', n: 30, backend: 'native' })).rejects.toThrow(/not built/);
  });

  it('pmap still runs on the one CPU device (the engine thread), and says why there are no more', async () => {
    const { pmap, np } = engine;
    const NDArray = engine.NDArray;
    const f = pmap((x) => np.mul(x, 2));
    expect(f.devices().map((d) => d.id)).toEqual(['js:0']);
    const one = NDArray.from([[1, 2, 3]], 'float64');
    expect((f(one) as NDArray).toList()).toEqual([[2, 4, 6]]);
    expect(((await f.run([one])) as NDArray).toList()).toEqual([[2, 4, 6]]);
    const two = NDArray.from([[1], [2]], 'float64');
    expect(() => f(two)).toThrow(
      /has size 2 but only 1 device is available \(the native backend is unavailable: .*not built/,
    );
  });

  it('has no limit row, and jit on the JS backend is unaffected', async () => {
    expect(await measureLimit(100, 'float64')).toBeNull();
    const { jit, np, linspace } = engine;
    expect(
      (jit((x) => np.add(x, 1))(linspace(0, 1, 3, { dtype: 'float64' })) as { toList(): unknown }).toList(),
    ).toEqual([1, 1.5, 2]);
  });
});
