// The native kernels of the NumPy functions (atan … log10) give NumPy's
// values, in every instruction-set copy of the evaluator, on both of its
// paths: the vector kernel over a block and the scalar kernel of hoisted
// (loop-invariant) work. The programs are written as bytecode here, straight
// from the addon's opcode table, so the check needs nothing from the
// TypeScript primitives.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type NativeAddon, loadAddon } from './nativeAddon.js';

const loaded = loadAddon();

interface KernelReport {
  isa: string;
  /** Per opcode, dtype and path: whether any value was off by more than the tolerance, and the worst one. */
  results: { op: string; dtype: string; path: string; failed: boolean; example: string }[];
}

/**
 * Runs every new opcode over edge and spread values and compares with a
 * float64 reference (rounded to float32 for float32). Self-contained: a child
 * process runs this same function's source against a forced ISA.
 */
function checkKernels(addon: NativeAddon): KernelReport {
  const fround = Math.fround;
  const numpyMod = (a: number, b: number, round: (x: number) => number) => {
    let mod = a % b; // JavaScript's % is C's fmod
    if (!b) return mod;
    if (mod !== 0) {
      // NaN counts as non-zero here, as in C
      if (b < 0 !== mod < 0) mod = round(mod + b);
    } else {
      mod = b < 0 ? -0 : 0;
    }
    return mod;
  };
  const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x);
  type Ref = (a: number, b: number, round: (x: number) => number) => number;
  // exact: the result must be bit-identical (NaN matching NaN); else within the dtype's tolerance.
  const cases: Record<string, { ref: Ref; exact?: boolean }> = {
    atan: { ref: (a) => Math.atan(a) },
    atan2: { ref: (a, b) => Math.atan2(a, b) },
    asin: { ref: (a) => Math.asin(a) },
    acos: { ref: (a) => Math.acos(a) },
    sinh: { ref: (a) => Math.sinh(a) },
    cosh: { ref: (a) => Math.cosh(a) },
    hypot: { ref: (a, b) => Math.hypot(a, b) },
    floor: { ref: (a) => Math.floor(a), exact: true },
    ceil: { ref: (a) => Math.ceil(a), exact: true },
    sign: { ref: (a) => sign(a), exact: true },
    mod: { ref: (a, b, round) => numpyMod(a, b, round), exact: true },
    log2: { ref: (a) => Math.log2(a) },
    log10: { ref: (a) => Math.log10(a) },
  };
  const edges = [
    -Infinity,
    -1e300,
    -30,
    -3.5,
    -2,
    -1,
    -0.75,
    -0.5,
    -1e-300,
    -0,
    0,
    1e-300,
    0.25,
    0.5,
    1,
    1.5,
    2,
    2.5,
    7,
    30,
    700,
    1e300,
    Infinity,
    NaN,
  ];
  const spread = Array.from({ length: 1500 }, (_, i) => Math.sin(i * 0.7) * (i % 3 === 0 ? 1 : i % 3 === 1 ? 8 : 100));
  const values = [...edges, ...spread];
  const version = addon.bytecodeVersion;
  const table = addon.opcodes();
  const codeOf = (primitive: string) => table.find((e) => e.primitive === primitive)!;
  const load = codeOf('load').code;
  const results: KernelReport['results'] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    const make = (xs: readonly number[]) => (dtype === 'float64' ? Float64Array.from(xs) : Float32Array.from(xs));
    const round = dtype === 'float64' ? (x: number) => x : fround;
    const tolerance = dtype === 'float64' ? 1e-14 : 2e-6;
    for (const [primitive, { ref, exact }] of Object.entries(cases)) {
      const entry = codeOf(primitive);
      const binary = entry.arity === 2;
      // Operand pairs: every edge against every edge, then the spread against a shifted copy of itself.
      const as: number[] = [];
      const bs: number[] = [];
      if (binary) {
        for (const a of edges) {
          for (const b of edges) {
            as.push(a);
            bs.push(b);
          }
        }
        spread.forEach((a, i) => {
          as.push(a);
          bs.push(spread[(i * 7 + 3) % spread.length]! - 0.5);
        });
      } else {
        as.push(...values);
        bs.push(...values.map(() => 0));
      }
      const a = make(as);
      const b = make(bs);
      const expected = Array.from(a, (x, i) => round(ref(x, b[i]!, round)));
      const dt = dtype === 'float64' ? 1 : 0;
      const check = (path: string, got: ArrayLike<number>, from: number, count: number) => {
        let worst = 0;
        let example = '';
        for (let i = 0; i < count; i++) {
          const p = got[i]!;
          const q = expected[from + i]!;
          if (Object.is(p, q) || (Number.isNaN(p) && Number.isNaN(q))) continue;
          const d =
            exact || !Number.isFinite(p) || !Number.isFinite(q)
              ? Infinity
              : Math.abs(p - q) / Math.max(Math.abs(q), 1e-300) / tolerance;
          if (d > worst) {
            worst = d;
            example = `${primitive}(${a[from + i]}${binary ? `, ${b[from + i]}` : ''}) = ${p}, expected ${q}`;
          }
        }
        results.push({ op: primitive, dtype, path, failed: !(worst <= 1), example });
      };
      // The vector path: one row of the whole input, each read varying along it.
      {
        const n = a.length;
        const numReads = binary ? 2 : 1;
        const words = [version, dt, 1, numReads, numReads, 2, numReads + 1, 0, ...(binary ? [0, 1] : [0])];
        words.push(load, 1, 0, 0, -1, 0);
        if (binary) words.push(load, 1, 1, 1, -1, 0);
        words.push(entry.code, 1, 0, 0, binary ? 1 : -1, 0);
        const program = addon.compile(Int32Array.from(words), new Float64Array(0));
        const out = make(new Array<number>(n).fill(0));
        const geometry = Float64Array.from([n, ...(binary ? [0, 1, 0, 1] : [0, 1])]);
        addon.runSync(program, out, binary ? [a, b] : [a], geometry, 1);
        check('vector', out, 0, n);
      }
      // The scalar path: the operands are invariant along the output (stride 0), so the op is hoisted.
      {
        const numReads = binary ? 2 : 1;
        const words = [version, dt, 1, numReads, numReads, 2, numReads + 1, 0, ...(binary ? [0, 1] : [0])];
        words.push(load, 0, 0, 0, -1, 0);
        if (binary) words.push(load, 0, 1, 1, -1, 0);
        words.push(entry.code, 0, 0, 0, binary ? 1 : -1, 0);
        const program = addon.compile(Int32Array.from(words), new Float64Array(0));
        const got: number[] = [];
        const count = Math.min(a.length, 800);
        const out = make([0, 0, 0, 0]);
        for (let i = 0; i < count; i++) {
          const geometry = Float64Array.from([4, ...(binary ? [i, 0, i, 0] : [i, 0])]);
          addon.runSync(program, out, binary ? [a, b] : [a], geometry, 1);
          got.push(out[3]!);
        }
        check('scalar', got, 0, count);
      }
    }
  }
  return { isa: addon.isa(), results };
}

function expectAllWithinTolerance(report: KernelReport) {
  const failures = report.results
    .filter((r) => r.failed)
    .map((r) => `${report.isa} ${r.dtype} ${r.path}: ${r.example}`);
  expect(failures).toEqual([]);
  expect(report.results.length).toBe(13 * 2 * 2);
}

describe.skipIf(!loaded.addon)('the native kernels of the NumPy functions', () => {
  it('give NumPy’s values on the vector and the scalar path, in the ISA chosen for this CPU', () => {
    expectAllWithinTolerance(checkKernels(loaded.addon!));
  });

  // Every target this CPU can run, scalar included (an addon that did not load lists none).
  const targets = loaded.addon ? loaded.addon.targets().map((t) => t.isa) : [];
  it.each(targets)('give the same values in the %s copy of the evaluator', (isa) => {
    const path = (loaded as { path: string }).path;
    const script = `
      const { createRequire } = await import('node:module');
      const addon = createRequire(import.meta.url)(${JSON.stringify(path)});
      const checkKernels = ${checkKernels.toString()};
      process.stdout.write(JSON.stringify(checkKernels(addon)));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, VLAB_NATIVE_ISA: isa },
      timeout: 60_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout) as KernelReport;
    expect(report.isa).toBe(isa);
    expectAllWithinTolerance(report);
  });
});
