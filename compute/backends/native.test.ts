import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import { linspace } from '../core/creation.js';
import { ELEMENTWISE_PRIMITIVES, type AnyParams, type ElementwisePrimitive, arity } from '../core/primitives.js';
import { bind } from '../ops.js';
import * as np from '../ops.js';
import type { Value } from '../core/trace.js';
import { jit } from '../transforms/jit.js';
import { CancelledError } from './backend.js';
import { fuseGraph, zeroStrideAxes } from './fuse.js';
import { jsBackend } from './js.js';
import { loadBackends, registerBackendLoader } from './registry.js';
import { type NativeBackend, loadNativeBackend, onOneDevice } from './native.js';
import { type NativeAddon, findAddon, loadAddon } from './nativeAddon.js';
import {
  BYTECODE_VERSION,
  HEADER_WORDS,
  disassemble,
  lowerKernel,
  missingPrimitives,
  opcodeTable,
} from './nativeBytecode.js';

const loaded = loadAddon();
const addon = loaded.addon as NativeAddon;
let backend: NativeBackend;

beforeAll(async () => {
  if (!loaded.addon) return;
  backend = await loadNativeBackend();
  registerBackendLoader('native', loadNativeBackend);
  await loadBackends();
});

/** The opcode table as compute/native/src/opcodes.h writes it. */
function headerOpcodes() {
  const header = readFileSync(fileURLToPath(new URL('../native/src/opcodes.h', import.meta.url)), 'utf8');
  return [...header.matchAll(/^VLAB_OPCODE\((\w+), (\d+), (\d), "(\w+)"\)/gm)].map((m) => ({
    name: m[1]!,
    code: Number(m[2]),
    arity: Number(m[3]),
    primitive: m[4]!,
  }));
}

/**
 * The NumPy functions added as primitives (issue 12), with their bytecode
 * codes: the native kernels landed before the TypeScript primitives, so the
 * table is checked against this list as well as against primitives.ts.
 */
const NEW_OPCODE_CODES: Record<string, number> = {
  atan: 20,
  atan2: 21,
  asin: 22,
  acos: 23,
  sinh: 24,
  cosh: 25,
  hypot: 26,
  floor: 27,
  ceil: 28,
  sign: 29,
  mod: 30,
  log2: 31,
  log10: 32,
};
const NUMPY_FUNCTIONS_ARITY: Record<string, number> = {
  atan: 1,
  atan2: 2,
  asin: 1,
  acos: 1,
  sinh: 1,
  cosh: 1,
  hypot: 2,
  floor: 1,
  ceil: 1,
  sign: 1,
  mod: 2,
  log2: 1,
  log10: 1,
};

const lessonF = (x: Value, y: Value) => {
  const r = np.add(np.pow(x, 2), np.pow(y, 2));
  return np.div(np.cos(r), np.add(1, r));
};

/** Values that reach every primitive's edge cases: signs, zero, NaN, infinities. */
const EDGE_VALUES = [-3.5, -1, -0.5, -0, 0, 0.25, 1, 2.5, 30, NaN, Infinity, -Infinity];

/** The largest |a - b|, where matching NaNs and equal infinities count as equal and a mismatch as Infinity. */
function worstDiff(a: NDArray, b: NDArray): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (Object.is(p, q) || (Number.isNaN(p) && Number.isNaN(q)) || p === q) continue;
    const d = Math.abs(p - q) / Math.max(1, Math.abs(q));
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

function runBoth(fn: (...xs: Value[]) => Value, args: NDArray[]): { native: NDArray; js: NDArray } {
  const native = jit(fn, { backend: 'native' })(...args) as NDArray;
  const js = jit(fn, { backend: 'js' })(...args) as NDArray;
  return { native, js };
}

describe.skipIf(!loaded.addon)('the native addon', () => {
  it('is built and loads (set VLAB_NATIVE_DISABLE=1 to run the engine without it)', () => {
    expect(loaded.addon).not.toBeNull();
    expect(addon.bytecodeVersion).toBe(BYTECODE_VERSION);
  });

  it('has one opcode table: opcodes.h, the loaded addon and the TypeScript lowering agree', () => {
    const fromHeader = headerOpcodes();
    expect(addon.opcodes()).toEqual(fromHeader);
    const codes = fromHeader.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    const table = opcodeTable(fromHeader);
    expect(missingPrimitives(table)).toEqual([]);
    for (const primitive of ELEMENTWISE_PRIMITIVES)
      expect(table.byPrimitive[primitive], primitive).toBe(fromHeader.find((e) => e.primitive === primitive)!.code);
  });

  it('has a kernel for every elementwise primitive, the ones being added included, with their arity', () => {
    const fromHeader = headerOpcodes();
    const computing = fromHeader.filter((e) => e.primitive !== 'load' && e.primitive !== 'const');
    const expected = new Map<string, number>(ELEMENTWISE_PRIMITIVES.map((p) => [p, arity(p)]));
    for (const [primitive, n] of Object.entries(NUMPY_FUNCTIONS_ARITY))
      if (!expected.has(primitive)) expected.set(primitive, n);
    expect(Object.fromEntries(computing.map((e) => [e.primitive, e.arity]))).toEqual(Object.fromEntries(expected));
    // Codes are bytecode format: the new primitives have the numbers the TypeScript side was given.
    expect(
      Object.fromEntries(computing.filter((e) => e.primitive in NEW_OPCODE_CODES).map((e) => [e.primitive, e.code])),
    ).toEqual(NEW_OPCODE_CODES);
  });

  it('ignores opcodes the engine does not know, and refuses only the graphs using a primitive the addon lacks', () => {
    const withExtra = [...addon.opcodes(), { name: 'FUTURE', code: 999, arity: 1, primitive: 'not_a_primitive_yet' }];
    expect(() => opcodeTable(withExtra)).not.toThrow();
    const withoutTanh = opcodeTable(addon.opcodes().filter((e) => e.primitive !== 'tanh'));
    expect(missingPrimitives(withoutTanh)).toEqual(['tanh']);
    const x = NDArray.zeros([4], 'float64');
    const lower = (fn: (a: Value) => Value) => {
      const graph = jit(fn).lower(x).graph;
      return lowerKernel(fuseGraph(graph, [zeroStrideAxes(x)])[0]!, 1, withoutTanh);
    };
    expect(() => lower((a) => np.cos(a))).not.toThrow();
    expect(() => lower((a) => np.add(np.tanh(a), 1))).toThrow(
      "this native build has no kernel for 'tanh'; rebuild with npm run build:native",
    );
  });
});

describe.skipIf(!loaded.addon)('bytecode is validated before it runs', () => {
  const valid = () => {
    const x = NDArray.zeros([4], 'float64');
    const graph = jit((a: Value) => np.add(np.cos(a), 1)).lower(x).graph;
    const [kernel] = fuseGraph(graph, [zeroStrideAxes(x)]);
    return lowerKernel(kernel!, 1, opcodeTable(addon.opcodes()));
  };

  it('accepts what the lowering writes, and prints it', () => {
    const bytecode = valid();
    expect(() => addon.compile(bytecode.code, bytecode.consts)).not.toThrow();
    expect(disassemble(bytecode, addon.opcodes())).toMatch(/LOAD read 0[\s\S]*COS r\d[\s\S]*ADD r\d, r\d/);
  });

  const corruptions: [string, (code: Int32Array, consts: Float64Array) => [Int32Array, Float64Array], RegExp][] = [
    ['a wrong version', (c, k) => [c.map((w, i) => (i === 0 ? 99 : w)), k], /version 99/],
    ['a truncated program', (c, k) => [c.subarray(0, c.length - 2), k], /words/],
    ['an unknown opcode', (c, k) => [c.map((w, i) => (i === c.length - 6 ? 4242 : w)), k], /unknown opcode 4242/],
    [
      'a register read before it is written',
      (c, k) => [c.map((w, i) => (i === c.length - 3 ? 7 : w)), k],
      /out of range|before it is written/,
    ],
    [
      'a read slot that does not exist',
      (c, k) => [c.map((w, i) => (i === fieldOf(c, 'LOAD', 3) ? 5 : w)), k],
      /read slot 5/,
    ],
    ['a constant slot past the constants', (c) => [c, new Float64Array(0)], /constant slot 0 of 0/],
    ['a read of a missing input', (c, k) => [c.map((w, i) => (i === HEADER_WORDS ? 3 : w)), k], /names input 3 of 1/],
    ['a negative register count', (c, k) => [c.map((w, i) => (i === 5 ? -1 : w)), k], /register count -1/],
  ];

  /** The index of field `field` of the first instruction with this opcode. */
  function fieldOf(code: Int32Array, name: string, field: number): number {
    const op = addon.opcodes().find((e) => e.name === name)!.code;
    for (let at = HEADER_WORDS + code[4]!; at < code.length; at += 6) if (code[at] === op) return at + field;
    throw new Error(`no ${name} instruction`);
  }

  it.each(corruptions)('refuses %s with a message saying what is wrong', (_, corrupt, message) => {
    const { code, consts } = valid();
    const [badCode, badConsts] = corrupt(code, consts);
    expect(() => addon.compile(badCode, badConsts)).toThrow(/invalid bytecode/);
    expect(() => addon.compile(badCode, badConsts)).toThrow(message);
  });

  it('refuses random garbage without crashing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 40 }), { minLength: 0, maxLength: 60 }), (words) => {
        const code = Int32Array.from([BYTECODE_VERSION, ...words]);
        try {
          addon.compile(code, Float64Array.of(1, 2));
        } catch (error) {
          expect(String(error)).toMatch(/invalid bytecode/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('checks a launch: reads must stay inside their inputs and outputs must fit', () => {
    const { code, consts } = valid();
    const program = addon.compile(code, consts);
    const out = new Float64Array(4);
    const input = new Float64Array(4);
    expect(() => addon.runSync(program, out, [input], Float64Array.of(4, 0, 1))).not.toThrow();
    expect(() => addon.runSync(program, out, [input], Float64Array.of(4, 1, 1))).toThrow(
      /reaches elements 1..4 of an input with 4/,
    );
    expect(() => addon.runSync(program, out, [input], Float64Array.of(4, 0, -1))).toThrow(/reaches elements -3..0/);
    expect(() => addon.runSync(program, new Float64Array(3), [input], Float64Array.of(4, 0, 1))).toThrow(/out holds 3/);
    expect(() => addon.runSync(program, new Float32Array(4), [input], Float64Array.of(4, 0, 1))).toThrow(/dtype/);
    expect(() => addon.runSync(program, out, [], Float64Array.of(4, 0, 1))).toThrow(/takes 1 inputs/);
    expect(() => addon.runSync({} as never, out, [input], Float64Array.of(4, 0, 1))).toThrow(/program from compile/);
  });
});

/** The primitives the loaded addon has kernels for (compute/primitives.allBackends.test.ts reports the others). */
const NATIVE_PRIMITIVES = loaded.addon
  ? ELEMENTWISE_PRIMITIVES.filter((p) => !opcodeTable(addon.opcodes()).missing.includes(p))
  : [];

describe.skipIf(!loaded.addon)('the native backend computes what the JS backend computes', () => {
  it.each(NATIVE_PRIMITIVES.map((p) => [p]))('%s in float64, NaN, ±0 and ±Inf included, within 1e-12', (primitive) => {
    const p = primitive as ElementwisePrimitive;
    for (const y of p === 'integer_pow' ? [0, 1, 2, 3, 4, -1, -2, -3, -4, 5, -7] : [0]) {
      const params: AnyParams = p === 'integer_pow' ? { y } : {};
      const a = NDArray.from(EDGE_VALUES, 'float64');
      const b = NDArray.from(
        EDGE_VALUES.map((v) => [v]),
        'float64',
      );
      const args = arity(p) === 2 ? [a, b] : [a];
      const { native, js } = runBoth((...xs: Value[]) => bind(p, xs, params) as Value, args);
      expect(worstDiff(native, js), `${p} ${y}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it.each(NATIVE_PRIMITIVES.map((p) => [p]))('%s in float32 within 1e-5', (primitive) => {
    const p = primitive as ElementwisePrimitive;
    const params: AnyParams = p === 'integer_pow' ? { y: 3 } : {};
    const a = linspace(-3, 3, 2000, { dtype: 'float32' });
    const b = linspace(0.5, 2, 2000, { dtype: 'float32' });
    const { native, js } = runBoth((...xs: Value[]) => bind(p, xs, params) as Value, arity(p) === 2 ? [a, b] : [a]);
    expect(worstDiff(native, js), p).toBeLessThanOrEqual(1e-5);
  });

  it('the lesson grid in float64 and float32, through broadcasting, at sizes that cross block and row-mode edges', () => {
    for (const n of [0, 1, 2, 63, 64, 65, 1023, 1025, 1100]) {
      for (const dtype of ['float64', 'float32'] as const) {
        const x = linspace(-2, 2, n, { dtype });
        const xs = x.reshape(n, 1);
        const { native, js } = runBoth(lessonF, [xs, x]);
        expect(native.shape).toEqual([n, n]);
        expect(worstDiff(native, js), `${n} ${dtype}`).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      }
    }
  });

  it('random shapes, broadcasts, transposes and strided views agree with the JS backend (property)', () => {
    const dims = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        dims,
        fc.integer({ min: 0, max: 15 }),
        fc.constantFrom('float32' as const, 'float64' as const),
        (shape, mask, dtype) => {
          const size = shape.reduce((p, d) => p * d, 1);
          const a = NDArray.from(
            Array.from({ length: size }, (_, i) => Math.sin(i) * 3),
            dtype,
            shape,
          );
          // b: a's shape with some axes squeezed to 1 (broadcast), c: a transposed view.
          const bShape = shape.map((d, k) => ((mask >> k) & 1 ? 1 : d));
          const b = NDArray.from(
            Array.from({ length: bShape.reduce((p, d) => p * d, 1) }, (_, i) => 1 + i / 7),
            'float64',
            bShape,
          );
          const c = a.transpose();
          const reversed = shape.map((_, k) => shape.length - 1 - k);
          const f = (x: Value, y: Value, z: Value) =>
            np.add(np.mul(np.exp(np.neg(np.abs(x))), y), np.tanh(np.transpose(z, reversed)));
          const { native, js } = runBoth(f as (...xs: Value[]) => Value, [a, b, c]);
          expect(worstDiff(native, js)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads stride-0 inputs without materializing them and scalar (0-d) graphs run', () => {
    const x = NDArray.from([1.5], 'float64').broadcastTo([3, 5]);
    const { native, js } = runBoth((a: Value) => np.mul(a, 2), [x]);
    expect(native.toList()).toEqual(js.toList());
    const s = jit((a: Value, b: Value) => np.add(a, b), { backend: 'native' })(
      NDArray.scalar(2, 'float64'),
      NDArray.scalar(0.5, 'float64'),
    ) as NDArray;
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(2.5);
  });

  it('the baseline target (SSE2, NEON) agrees too, NaN and Inf included', async () => {
    const { spawnSync } = await import('node:child_process');
    const engine = new URL('../index.ts', import.meta.url).href;
    const registry = new URL('./registry.ts', import.meta.url).href;
    const script = `
      const e = await import(${JSON.stringify(engine)});
      await e.loadBackends();
      const isa = (await import(${JSON.stringify(registry)})).getBackend('native').describe().isa;
      const values = [-3.5, -1, -0.5, 0, 0.25, 1, 2.5, 30, NaN, Infinity, -Infinity, ...Array.from({ length: 2500 }, (_, i) => Math.sin(i) * 10)];
      let worst = 0;
      for (const dtype of ['float64', 'float32']) {
        const x = e.NDArray.from(values, dtype);
        for (const op of ['cos', 'sin', 'tan', 'exp', 'log', 'sqrt', 'tanh']) {
          const a = e.jit((v) => e.np[op](v), { backend: 'native' })(x).toTypedArray();
          const b = e.jit((v) => e.np[op](v))(x).toTypedArray();
          for (let i = 0; i < a.length; i++) {
            if (Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
            const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])) / (dtype === 'float64' ? 1e-12 : 1e-5);
            worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
          }
        }
      }
      process.stdout.write(JSON.stringify({ isa, worst }));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, VLAB_NATIVE_ISA: process.arch === 'arm64' ? 'neon' : 'sse2', VLAB_GPU: 'none' },
      timeout: 60_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.slice(child.stdout.indexOf('{'))) as { isa: string; worst: number };
    expect(result.isa).toBe(process.arch === 'arm64' ? 'neon' : 'sse2');
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('runs a pair of arithmetic ops (one on a scalar, the next on its result) as one loop, with the very bits of two', () => {
    const ops = { add: np.add, sub: np.sub, mul: np.mul, div: np.div } as const;
    const x = linspace(-2, 2, 9, { dtype: 'float64' }).reshape(9, 1);
    const y = linspace(-3, 3, 300, { dtype: 'float64' });
    for (const dtype of ['float64', 'float32'] as const) {
      const [xs, ys] = [x.astype(dtype), y.astype(dtype)];
      for (const [innerName, inner] of Object.entries(ops)) {
        for (const [outerName, outer] of Object.entries(ops)) {
          for (const scalarFirst of [true, false]) {
            for (const fusedFirst of [true, false]) {
              for (const last of [true, false]) {
                // a is one value per row (a scalar operand), b a block; the pair writes the output, or a register when an op follows.
                const g = (a: Value, b: Value) => {
                  const other = np.mul(a, b); // first, so that t sits right before the op that reads it
                  const t = scalarFirst ? inner(a, b) : inner(b, a);
                  const pair = fusedFirst ? outer(t, other) : outer(other, t);
                  return last ? pair : np.abs(pair);
                };
                const { native, js } = runBoth(g, [xs, ys]);
                const label = `${dtype} ${outerName}(${innerName}) scalar first ${scalarFirst}, fused first ${fusedFirst}, last ${last}`;
                expect(worstDiff(native, js), label).toBeLessThanOrEqual(dtype === 'float64' ? 0 : 1e-6);
              }
            }
          }
        }
      }
    }
  });

  it('computes work that depends on the inner axis alone once per part, with the same values however the rows are split', async () => {
    // cos(y) · y + sin(y) does not vary from row to row: the VM keeps it in a row cache; x enters per row.
    const g = (x: Value, y: Value) =>
      np.add(np.mul(np.add(np.mul(np.cos(y), y), np.sin(y)), np.exp(np.mul(x, 0.1))), x);
    for (const [rows, cols] of [
      [7, 700],
      [1, 300],
      [40, 2100],
      [3, 64],
    ] as const) {
      const x = linspace(-2, 2, rows, { dtype: 'float64' }).reshape(rows, 1);
      const y = linspace(-3, 3, cols, { dtype: 'float64' });
      const reference = jit(g, { backend: 'js' })(x, y) as NDArray;
      const exe = backend.compile(jit(g).lower(x, y).graph, { zeroStrides: [zeroStrideAxes(x), zeroStrideAxes(y)] });
      // Parts shorter than two rows skip the cache: every split must give the very same bits.
      const [uncached] = exe.runSyncOn([x, y], { devices: 2, parts: rows * 2 + 1 });
      expect(worstDiff(uncached!, reference)).toBeLessThanOrEqual(1e-12);
      for (const parts of [1, 2, 3]) {
        const [out] = exe.runSyncOn([x, y], { devices: 2, parts });
        expect(worstDiff(out!, uncached!), `${rows}×${cols} in ${parts} parts`).toBe(0);
        const [async] = await exe.runOn([x, y], { devices: 1, parts });
        expect(worstDiff(async!, uncached!)).toBe(0);
      }
    }
  });

  it('gives the same answer on one thread and on the whole pool, synchronously and asynchronously', async () => {
    const n = 700;
    const x = linspace(-2, 2, n, { dtype: 'float64' });
    const f = jit(lessonF, { backend: 'native' });
    const all = (await f.run([x.reshape(n, 1), x])) as NDArray;
    const one = (await onOneDevice(() => f.run([x.reshape(n, 1), x]))) as NDArray;
    const sync = f(x.reshape(n, 1), x) as NDArray;
    expect(worstDiff(one, all)).toBe(0);
    expect(worstDiff(sync, all)).toBe(0);
  });
});

describe.skipIf(!loaded.addon)('the pool', () => {
  it('lists one CPU device per thread, at least as many as the machine has cores', async () => {
    const { availableParallelism } = await import('node:os');
    const devices = backend.devices();
    const expected = process.env.VLAB_THREADS ? Number(process.env.VLAB_THREADS) : availableParallelism();
    expect(devices.length).toBeGreaterThanOrEqual(expected);
    devices.forEach((d, k) => expect(d).toMatchObject({ id: `native:${k}`, backend: 'native', kind: 'cpu' }));
    expect(devices[0]!.name).toMatch(/native thread 0/);
  });

  it('runs several jobs in flight at once, each correct', async () => {
    const n = 900;
    const x = linspace(-2, 2, n, { dtype: 'float64' });
    const f = jit(lessonF, { backend: 'native' });
    const reference = jit(lessonF)(x.reshape(n, 1), x) as NDArray;
    const results = (await Promise.all(Array.from({ length: 6 }, () => f.run([x.reshape(n, 1), x])))) as NDArray[];
    for (const r of results) expect(worstDiff(r, reference)).toBeLessThanOrEqual(1e-12);
  });

  it('stops a run when cancelled, between blocks, and stays usable', async () => {
    const n = 2500;
    const x = linspace(-2, 2, n, { dtype: 'float64' });
    const f = jit(lessonF, { backend: 'native' });
    const controller = new AbortController();
    const progress: number[] = [];
    const running = onOneDevice(() =>
      f.run([x.reshape(n, 1), x], {
        signal: controller.signal,
        onProgress: (fraction) => {
          progress.push(fraction);
          controller.abort();
        },
      }),
    );
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!).toBeLessThan(1);
    const aborted = new AbortController();
    aborted.abort();
    await expect(f.run([x.reshape(n, 1), x], { signal: aborted.signal })).rejects.toBeInstanceOf(CancelledError);
    const small = linspace(-2, 2, 400, { dtype: 'float64' });
    const after = (await f.run([small.reshape(400, 1), small])) as NDArray;
    expect(worstDiff(after, jit(lessonF)(small.reshape(400, 1), small) as NDArray)).toBeLessThanOrEqual(1e-12);
  });

  it('survives a worker thread (the app’s engine host) terminated in the middle of a run', async () => {
    const { Worker } = await import('node:worker_threads');
    const engine = new URL('../index.ts', import.meta.url).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      (async () => {
        (await import('tsx/esm/api')).register();
        const e = await import(${JSON.stringify(engine)});
        await e.loadBackends();
        const x = e.linspace(-2, 2, 4000, { dtype: 'float64' });
        const f = e.jit((a, b) => e.np.cos(e.np.add(e.np.mul(a, a), e.np.mul(b, b))), { backend: 'native' });
        const running = f.run([x.reshape(4000, 1), x]);
        parentPort.postMessage('started');
        await running;
      })().catch((error) => parentPort.postMessage(String(error)));`;
    for (let k = 0; k < 2; k++) {
      const worker = new Worker(code, { eval: true, env: { ...process.env, VLAB_GPU: 'none' } });
      expect(await new Promise((resolve) => worker.once('message', resolve))).toBe('started');
      await worker.terminate();
    }
    const x = linspace(-2, 2, 300, { dtype: 'float64' });
    const after = (await jit(lessonF, { backend: 'native' }).run([x.reshape(300, 1), x])) as NDArray;
    expect(worstDiff(after, jit(lessonF)(x.reshape(300, 1), x) as NDArray)).toBeLessThanOrEqual(1e-12);
  });

  it('measures the physical floor with every thread', async () => {
    const floor = await backend.measureWriteFloor(1 << 20, 'float64', 3);
    expect(floor.devices).toBe(backend.devices().length);
    expect(floor.ms).toBeGreaterThan(0);
  });

  it('the hand-written C++ loop (the benchmark’s yardstick) computes the lesson’s f', async () => {
    const ms = await backend.handWrittenLoopMs({ nx: 200, ny: 200, xRange: [-2, 2], yRange: [-2, 2] }, 'float64', 1);
    expect(ms).toBeGreaterThan(0);
    const out = new Float64Array(200 * 200);
    const x = linspace(-2, 2, 200, { dtype: 'float64' });
    await addon.lessonLoop(out, x.data, x.data, 1).promise;
    const reference = jit(lessonF)(x.reshape(200, 1), x) as NDArray;
    expect(worstDiff(NDArray.from(out, 'float64', [200, 200]), reference)).toBeLessThanOrEqual(1e-12);
  });

  it('the hand-written C++ loop runs on an nx × ny grid over its own domain, x along the rows', async () => {
    expect(
      await backend.handWrittenLoopMs({ nx: 37, ny: 11, xRange: [-3, 1], yRange: [0, 2] }, 'float32', 1, 2),
    ).toBeGreaterThan(0);
    const x = linspace(-3, 1, 37, { dtype: 'float64' });
    const y = linspace(0, 2, 11, { dtype: 'float64' });
    const out = new Float64Array(37 * 11);
    await addon.lessonLoop(out, x.data, y.data, 2).promise;
    const reference = jit(lessonF)(x.reshape(37, 1), y) as NDArray;
    expect(worstDiff(NDArray.from(out, 'float64', [37, 11]), reference)).toBeLessThanOrEqual(1e-12);
    expect(() => addon.lessonLoop(new Float64Array(37 * 10), x.data, y.data, 1)).toThrow(
      /out must hold x\.length × y\.length elements/,
    );
  });
});

describe('when the addon cannot be had', () => {
  it('says why: disabled, not built, or not loadable', () => {
    expect(findAddon({ VLAB_NATIVE_DISABLE: '1' })).toEqual({ addon: null, reason: 'disabled by VLAB_NATIVE_DISABLE' });
    const missing = findAddon({ VLAB_NATIVE_PATH: '/nonexistent/vlab_native.node' });
    expect(missing.addon).toBeNull();
    expect(!missing.addon && missing.reason).toMatch(
      /not built: \/nonexistent\/vlab_native.node does not exist.*npm run build:native/,
    );
    const notAddon = findAddon({
      VLAB_NATIVE_PATH: fileURLToPath(new URL('../native/src/opcodes.h', import.meta.url)),
    });
    expect(!notAddon.addon && notAddon.reason).toMatch(/could not be loaded/);
  });

  it('the JS backend is unaffected', () => {
    const x = NDArray.from([0, 1], 'float64');
    expect(
      jsBackend.compile(jit((a: Value) => np.add(a, 1)).lower(x).graph, { zeroStrides: [[false]] }).runSync!([
        x,
      ])[0]!.toList(),
    ).toEqual([1, 2]);
  });
});

describe.skipIf(!loaded.addon)('the SIMD target is a fact of every native run', () => {
  it('lists the targets this CPU runs, widest first, scalar last, each with its lanes', () => {
    const targets = loaded.addon!.targets();
    expect(targets.at(-1)).toMatchObject({ isa: 'scalar', lanesFloat32: 1, lanesFloat64: 1 });
    // The one chosen at load is the widest, unless VLAB_NATIVE_ISA forced another (test:portable runs every one).
    if (!process.env.VLAB_NATIVE_ISA) expect(targets[0]!.isa).toBe(loaded.addon!.isa());
    expect(targets.map((t) => t.isa)).toContain(process.arch === 'arm64' ? 'neon' : 'sse2');
    for (const t of targets) expect(t.lanesFloat32).toBe(t.isa === 'scalar' ? 1 : 2 * t.lanesFloat64);
  });

  it('runs one call on another target (onNativeIsa), and says so in describe(); an unknown one is an error', async () => {
    const backend = (await loadNativeBackend()) as NativeBackend;
    const x = linspace(-3, 3, 5000, { dtype: 'float32' });
    const f = jit((v: Value) => np.cos(np.mul(v, v)), { backend: 'native' });
    const widest = (f(x) as NDArray).toTypedArray();
    const { onNativeIsa } = await import('./native.js');
    const scalar = onNativeIsa('scalar', () => {
      expect(backend.describe()).toMatchObject({ isa: 'scalar', lanesFloat32: 1 });
      return (f(x) as NDArray).toTypedArray();
    });
    let worst = 0;
    for (let i = 0; i < widest.length; i++) worst = Math.max(worst, Math.abs(widest[i]! - scalar[i]!));
    expect(worst).toBeLessThan(1e-6);
    expect(backend.describe().isa).toBe(loaded.addon!.isa());
    expect(() => onNativeIsa('avx1024', () => 0)).toThrow(
      /unknown or unsupported native target 'avx1024': this CPU runs /,
    );
  });

  it('refuses to load under a VLAB_NATIVE_ISA the CPU cannot run, naming what it runs', async () => {
    const { spawnSync } = await import('node:child_process');
    const path = (loaded as { path: string }).path;
    const script = `require(${JSON.stringify(path)})`;
    const child = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, VLAB_NATIVE_ISA: 'mmx' },
    });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toMatch(/VLAB_NATIVE_ISA=mmx: unknown target 'mmx'; it runs .*scalar/);
  });
});
