// Collectives over a named axis, as jax.lax has them: under vmap and pmap
// every example (device) gets the total; a collective over an outer axis
// reduces that axis only; an unbound name is refused with JAX's words; and
// pmap still refuses an axis larger than its devices.

import { beforeAll, describe, expect, it } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import { lax, np } from '../ops.js';
import type { Value } from '../core/trace.js';
import { vmap } from './vmap.js';
import { pmap, cpuDevices } from './pmap.js';
import { jit } from './jit.js';
import { loadBackends } from '../backends/registry.js';

beforeAll(() => loadBackends());

const rows = () =>
  NDArray.from(
    [
      [1, 5, 3],
      [7, 2, -4],
    ],
    'float64',
  );
const list = (v: Value | Value[]) => (v as NDArray).toList();

describe('collectives under vmap with an axisName', () => {
  it('psum, pmax, pmin and pmean give every example the total over the axis', () => {
    const x = rows();
    expect(list(vmap((r: Value) => lax.psum(r, 'i'), { axisName: 'i' })(x))).toEqual([
      [8, 7, -1],
      [8, 7, -1],
    ]);
    expect(list(vmap((r: Value) => lax.pmax(r, 'i'), { axisName: 'i' })(x))).toEqual([
      [7, 5, 3],
      [7, 5, 3],
    ]);
    expect(list(vmap((r: Value) => lax.pmin(r, 'i'), { axisName: 'i' })(x))).toEqual([
      [1, 2, -4],
      [1, 2, -4],
    ]);
    expect(list(vmap((r: Value) => lax.pmean(r, 'i'), { axisName: 'i' })(x))).toEqual([
      [4, 3.5, -0.5],
      [4, 3.5, -0.5],
    ]);
  });

  it('normalizes by the total, as the lecture’s softmax-style use does, under jit too', () => {
    const x = rows();
    const f = (r: Value) => np.sub(r, lax.pmax(r, 'i'));
    const want = [
      [-6, 0, 0],
      [0, -3, -7],
    ];
    expect(list(vmap(f, { axisName: 'i' })(x))).toEqual(want);
    expect(list(jit((a: Value) => vmap(f, { axisName: 'i' })(a) as Value, { backend: 'js' })(x))).toEqual(want);
  });

  it('a psum of a value every example shares is that value times the axis size', () => {
    const x = rows();
    expect(
      list(
        vmap((_r: Value, c: Value) => lax.psum(c, 'i'), { axisName: 'i', inAxes: [0, null] })(
          x,
          NDArray.from([2], 'float64'),
        ),
      ),
    ).toEqual([[4], [4]]);
  });

  it('nested axes: each collective reduces the axis it names', () => {
    const x = NDArray.from(
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
      'float64',
    ); // axes (i, j, element)
    const inner = (v: Value) => lax.psum(v, 'j');
    const outer = (v: Value) => lax.psum(v, 'i');
    const overJ = vmap(vmap(inner, { axisName: 'j' }), { axisName: 'i' })(x);
    expect(list(overJ)).toEqual([
      [
        [4, 6],
        [4, 6],
      ],
      [
        [12, 14],
        [12, 14],
      ],
    ]);
    const overI = vmap(vmap(outer, { axisName: 'j' }), { axisName: 'i' })(x);
    expect(list(overI)).toEqual([
      [
        [6, 8],
        [10, 12],
      ],
      [
        [6, 8],
        [10, 12],
      ],
    ]);
  });

  it('refuses an axis name that no enclosing vmap or pmap binds, with JAX’s words', () => {
    expect(() => vmap((r: Value) => lax.psum(r, 'j'), { axisName: 'i' })(rows())).toThrow(
      /unbound axis name: j.*\['i'\]/,
    );
    expect(() => lax.pmax(rows(), 'i')).toThrow(/unbound axis name: i/);
  });
});

describe('collectives under pmap', () => {
  it('each device reduces its rows, then lax.pmax gives every device the maximum', async () => {
    const devices = Math.min(2, cpuDevices().length);
    const x = NDArray.from(
      Array.from({ length: devices * 500 }, (_, k) => Math.sin(k)),
      'float32',
      [devices, 500],
    );
    const f = pmap((r: Value) => lax.pmax(np.max(np.cos(r)), 'd'), { axisName: 'd' });
    const got = (await f.run([x])) as NDArray;
    const want = (np.max(np.cos(x)) as NDArray).item();
    expect(got.shape).toEqual([devices]);
    expect(Array.from(got.toTypedArray())).toEqual(new Array(devices).fill(want));
    const sums = pmap((r: Value) => lax.psum(np.sum(r), 'd'), { axisName: 'd' })(x) as NDArray;
    expect(sums.toTypedArray()[0]).toBeCloseTo((np.sum(x) as NDArray).item(), 3);
  });

  it('still refuses an axis larger than its devices, as JAX does', () => {
    const n = cpuDevices().length + 1;
    const x = NDArray.zeros([n, 3]);
    expect(() => pmap((r: Value) => lax.psum(r, 'd'), { axisName: 'd' })(x)).toThrow(
      /has size \d+ but only \d+ devices? (is|are) available/,
    );
  });
});
