import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FORMULA_PRESETS,
  allclose,
  compileFormula,
  defaultBackend,
  jit,
  NDArray,
  runStrategy,
  strategyAvailability,
  TOLERANCES,
  type LabStrategyName as StrategyName,
} from '../index.js';
import { loadAddon } from '../backends/nativeAddon.js';
import { opcodeTable } from '../backends/nativeBytecode.js';
import { LAB_STRATEGY_NAMES as STRATEGY_NAMES } from '../strategies/types.js';
import { jaxFileName, jaxProgram, numpyProgram, pythonExpression } from './jax.js';

function probe(code: string): string | null {
  const result = spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}
const python = probe('print(1)') !== null;
const numpyVersion = python ? probe('import numpy; print(numpy.__version__)') : null;

/** Formulas that stress the rendering: precedence, associativity, every function and constant. */
const TRICKY = [
  '-x^2 + 2^-y - (x - y) - -x',
  '2^3^0.5 * x / (y * 3) / 2 - x - (y - 1)',
  '(-x)^2 + pi * e + min(x, y) / max(1, abs(y)) + pow(abs(x) + 1, y)',
  'square(y) + neg(x) + tan(x / 3) + log(1 + x^2) + sqrt(abs(y)) + tanh(x) - sin(y)',
  '1 / (x - y)',
  '42',
  'x^2',
  'atan2(y, x) + hypot(x, y) - x % 0.7 + mod(y, -0.6) + sign(x) * floor(3 * x) - ceil(2 * y)',
  'asin(x / 2) + acos(y / 2) + atan(x * y) + sinh(x) - cosh(y) + log2(1 + x^2) + log10(3 + y)',
  'log2(x) + asin(y) + arctan2(x, 0 * y)',
];
const FORMULAS = [...FORMULA_PRESETS.map((p) => p.formula), ...TRICKY];

describe('Python rendering of a formula', () => {
  it('follows Python precedence: unary minus below **, ** right-associative, left-associative - and /', () => {
    expect(pythonExpression('-x^2')).toBe('-x**2');
    expect(pythonExpression('(-x)^2')).toBe('(-x)**2');
    expect(pythonExpression('2^3^2')).toBe('2**3**2');
    expect(pythonExpression('(2^3)^2')).toBe('(2**3)**2');
    expect(pythonExpression('2^-x')).toBe('2**-x');
    expect(pythonExpression('x - (y - 1)')).toBe('x - (y - 1)');
    expect(pythonExpression('(x - y) - 1')).toBe('x - y - 1');
    expect(pythonExpression('x / (y * 3)')).toBe('x / (y * 3)');
    expect(pythonExpression('-(x + y)')).toBe('-(x + y)');
  });

  it('spells the inverse, hyperbolic and rounding functions as NumPy does, and % as np.mod', () => {
    expect(pythonExpression('atan2(y, x) + arctan(x) + asin(x) + acos(y) + sinh(x) + cosh(y)')).toBe(
      'jnp.arctan2(y, x) + jnp.arctan(x) + jnp.arcsin(x) + jnp.arccos(y) + jnp.sinh(x) + jnp.cosh(y)',
    );
    expect(pythonExpression('hypot(x, y) - floor(x) * ceil(y) + sign(x) + log2(x) + log10(y)', 'np')).toBe(
      'np.hypot(x, y) - np.floor(x) * np.ceil(y) + np.sign(x) + np.log2(x) + np.log10(y)',
    );
    expect(pythonExpression('mod(x, 2) + x % -y * 2', 'np')).toBe('np.mod(x, 2) + np.mod(x, -y) * 2');
  });

  it('maps functions and constants to jax.numpy (or NumPy)', () => {
    expect(pythonExpression('cos(x^2 + y^2) / (1 + x^2 + y^2)')).toBe('jnp.cos(x**2 + y**2) / (1 + x**2 + y**2)');
    expect(pythonExpression('min(x, pi) + max(y, e) + neg(x) + pow(x, 2)')).toBe(
      'jnp.minimum(x, jnp.pi) + jnp.maximum(y, jnp.e) + jnp.negative(x) + jnp.power(x, 2)',
    );
    expect(pythonExpression('exp(-(x^2 + y^2))', 'np')).toBe('np.exp(-(x**2 + y**2))');
    expect(pythonExpression('1e-7 * x + 0.5')).toBe('1e-7 * x + 0.5');
  });
});

describe('the JAX program of each strategy', () => {
  const program = (strategy: StrategyName, extra: Partial<Parameters<typeof jaxProgram>[0]> = {}) =>
    jaxProgram({ strategy, n: 80, ...extra });

  it('defines the formula once, with the lab grid and the size it ran', () => {
    for (const strategy of STRATEGY_NAMES) {
      const text = program(strategy);
      expect(text).toContain('def f(x, y):\n    return jnp.cos(x**2 + y**2) / (1 + x**2 + y**2)\n');
      expect(text).toContain('nx = int(sys.argv[1]) if len(sys.argv) > 1 else 80');
      expect(text).toContain('ny = int(sys.argv[2]) if len(sys.argv) > 2 else (nx if len(sys.argv) > 1 else 80)');
      expect(text).toContain('x = jnp.linspace(-2, 2, nx, dtype=dtype)');
      expect(text).toContain('y = jnp.linspace(-2, 2, ny, dtype=dtype)');
      expect(text).toContain('dtype = jnp.float32');
      expect(text).toContain('jax.block_until_ready(call())');
      expect(text).not.toContain('jax_enable_x64');
    }
  });

  it('writes each strategy the JAX way', () => {
    expect(program('loops')).toMatch(
      /for i in range\(nx\):\n\s+for j in range\(ny\):\n\s+z\[i, j\] = f_jit\(x\[i\], y\[j\]\)/,
    );
    expect(program('naive')).toContain('f_jit(x, y)');
    expect(program('meshgrid')).toContain('x_mesh, y_mesh = jnp.meshgrid(x, y, indexing="ij")');
    expect(program('meshgrid')).toContain('f_jit = jax.jit(f)');
    expect(program('meshgrid')).toContain('x_mesh.nbytes + y_mesh.nbytes');
    expect(program('meshgrid-eager')).not.toContain('jax.jit');
    expect(program('vmap')).toContain('f_vec_y = jax.vmap(f, in_axes=(None, 0))');
    expect(program('vmap')).toContain('f_vec = jax.jit(jax.vmap(f_vec_y, in_axes=(0, None)))');
    const pmap = program('pmap');
    expect(pmap).toContain('devices = jax.devices()');
    expect(pmap).toContain('.reshape(d, rows)');
    expect(pmap).toContain('jax.pmap(f_rows, in_axes=(0, None))');
    expect(pmap).toContain('jnp.zeros((d + 1, rows), dtype=dtype)');
    expect(pmap).toContain('shard_map(f_rows, mesh=mesh, in_specs=(P("rows"), P()), out_specs=P("rows"))');
    expect(pmap.indexOf('xla_force_host_platform_device_count')).toBeLessThan(pmap.indexOf('import jax'));
    const gpu = program('gpu');
    for (const part of ['timed("upload x"', 'timed("kernel"', 'read-back', 'jax.device_put'])
      expect(gpu).toContain(part);
  });

  it('asks JAX for float64 when the lab ran in float64', () => {
    const text = program('vmap', { dtype: 'float64' });
    expect(text).toContain('jax.config.update("jax_enable_x64", True)');
    expect(text).toContain('dtype = jnp.float64');
    expect(text.indexOf('jax_enable_x64')).toBeLessThan(text.indexOf('jnp.linspace'));
  });

  it('keeps a constant formula the shape of its inputs', () => {
    expect(program('vmap', { formula: '42' })).toContain('return 42 + 0 * (x + y)');
  });

  it('never copies the user text into code, only into a comment', () => {
    const text = program('vmap', { formula: 'x +\n y' });
    expect(text).toContain('# f(x, y) = x + y\n');
    expect(text).toContain('return x + y\n');
    expect(() => program('vmap', { formula: 'x); import os; (' })).toThrow();
  });

  it('names the file after the strategy and size', () => {
    expect(jaxFileName({ strategy: 'meshgrid-eager', n: 6000 })).toBe('vlab_meshgrid_eager_n6000.py');
  });
});

describe.skipIf(!python)('the generated Python (python3 present)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-jax-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is valid Python 3 for every strategy, preset and tricky formula', () => {
    const files: string[] = [];
    for (const formula of FORMULAS) {
      for (const strategy of STRATEGY_NAMES) {
        for (const dtype of ['float32', 'float64'] as const) {
          const file = join(dir, `syntax_${files.length}.py`);
          writeFileSync(file, jaxProgram({ formula, strategy, n: 80, dtype }));
          files.push(file);
        }
      }
    }
    const listing = join(dir, 'files.txt');
    writeFileSync(listing, files.join('\n'));
    const out = execFileSync(
      'python3',
      [
        '-c',
        `import sys\nfor p in open(sys.argv[1]).read().split("\\n"):\n    compile(open(p).read(), p, "exec")\nprint("ok")`,
        listing,
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(out.trim()).toBe('ok');
  });
});

describe.skipIf(!numpyVersion)(
  `NumPy's grid against the engine's (${numpyVersion ? `NumPy ${numpyVersion}` : 'NumPy absent: python3 -c "import numpy" failed, so the grids are not compared'})`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlab-numpy-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('matches for every strategy, preset and tricky formula (allclose, NaN and inf in the same places)', async () => {
      const available = new Set((await strategyAvailability()).filter((a) => a.available).map((a) => a.strategy));
      // A native addon built before a primitive existed refuses formulas that use it (by name; compute/backends/everyPrimitive.test.ts
      // checks the refusal): those pairs are listed, not compared, and there are none once the addon has every kernel.
      const notRun: string[] = [];
      const nativeLacks = (formula: string) => {
        const { addon } = loadAddon();
        if (!addon) return [];
        const { missing } = opcodeTable(addon.opcodes());
        const x = NDArray.from([0.5], 'float64');
        const used = jit(compileFormula(formula).fn)
          .lower(x, x)
          .graph.equations.map((e) => e.primitive);
        x.dispose();
        return missing.filter((p) => used.includes(p));
      };
      const cases: {
        formula: string;
        strategy: StrategyName;
        dtype: 'float32' | 'float64';
        n: number;
        program: string;
        out: string;
      }[] = [];
      for (const formula of FORMULAS) {
        for (const strategy of STRATEGY_NAMES) {
          if (!available.has(strategy)) continue;
          // The gpu strategy aborts the whole process (std::system_error in Dawn) on some formulas, the Ripple preset
          // among them; until the webgpu backend survives them, the GPU is compared on the lesson's f only.
          if (strategy === 'gpu' && formula !== FORMULA_PRESETS[0]!.formula) continue;
          const lacking = strategy === 'pmap' || defaultBackend(strategy) === 'native' ? nativeLacks(formula) : [];
          if (lacking.length) {
            notRun.push(`${strategy} (native has no ${lacking.join(', ')}): ${formula}`);
            continue;
          }
          for (const dtype of ['float32', 'float64'] as const) {
            const n = strategy === 'pmap' ? 13 : 12;
            const id = cases.length;
            const program = join(dir, `case_${id}.py`);
            writeFileSync(program, numpyProgram({ formula, strategy, n, dtype }));
            cases.push({ formula, strategy, dtype, n, program, out: join(dir, `case_${id}.f64`) });
          }
        }
      }
      // One Python process runs every program (NumPy imports once).
      const driver = `import runpy, sys\nfor line in open(sys.argv[1]).read().split("\\n"):\n    program, out = line.split("\\t")\n    sys.argv = [program, out]\n    runpy.run_path(program, run_name="__main__")\n`;
      const listing = join(dir, 'cases.tsv');
      writeFileSync(listing, cases.map((c) => `${c.program}\t${c.out}`).join('\n'));
      execFileSync('python3', ['-c', driver, listing], { timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'] });

      if (notRun.length)
        console.info(
          `not compared, the native addon lacking kernels (rebuild with npm run build:native):\n  ${notRun.join('\n  ')}`,
        );
      expect(cases.length).toBeGreaterThanOrEqual((FORMULAS.length * 5 - notRun.length) * 2);
      let controls = 0;
      for (const c of cases) {
        const bytes = readFileSync(c.out);
        const fromNumpy = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
        const { record, grid } = await runStrategy(
          { strategy: c.strategy, n: c.n, dtype: c.dtype, formula: c.formula, repeats: 0 },
          { keepGrid: true },
        );
        try {
          const engine = grid!.toTypedArray();
          expect(fromNumpy.length, `${c.strategy} ${c.formula}`).toBe(engine.length);
          expect(record.shape).toEqual(c.strategy === 'naive' ? [c.n] : [c.n, c.n]);
          const a = NDArray.from(Float64Array.from(engine), 'float64');
          const b = NDArray.from(fromNumpy, 'float64');
          // Where both hold the same non-finite value the grids agree; NumPy's allclose with equal_nan.
          const agree = allclose(a, b, { ...TOLERANCES[c.dtype], equalNan: true });
          a.dispose();
          b.dispose();
          expect(agree, `${c.strategy} ${c.dtype} ${c.formula}`).toBe(true);
          if (c.formula === 'x * exp(-x^2 - y^2)' && c.strategy !== 'naive') {
            // The comparison bites: the same grid transposed (the meshgrid 'xy' mistake) does not pass.
            const t = NDArray.from(Float64Array.from(engine), 'float64', [c.n, c.n]);
            const transposed = t.transpose().copy();
            const bt = NDArray.from(fromNumpy, 'float64', [c.n, c.n]);
            expect(allclose(transposed, bt, TOLERANCES[c.dtype])).toBe(false);
            for (const arr of [t, transposed, bt]) arr.dispose();
            controls++;
          }
        } finally {
          grid!.dispose();
        }
      }
      expect(controls).toBeGreaterThan(0);
    });
  },
);

describe('the exported program on a rectangular grid over another domain', () => {
  const request = {
    strategy: 'vmap' as const,
    nx: 120,
    ny: 70,
    xRange: [-3, 1] as const,
    yRange: [0, 2] as const,
    formula: 'x - y / 2',
  };

  it('spaces x and y over their own ranges with nx and ny points, and names the file by both sides', () => {
    const text = jaxProgram(request);
    expect(text).toContain('x = jnp.linspace(-3, 1, nx, dtype=dtype)');
    expect(text).toContain('y = jnp.linspace(0, 2, ny, dtype=dtype)');
    expect(text).toMatch(/^nx = int\(sys\.argv\[1\]\) if len\(sys\.argv\) > 1 else 120$/m);
    expect(text).toMatch(/else 70\)$/m);
    expect(jaxFileName(request)).toBe('vlab_vmap_120x70.py');
    expect(jaxFileName({ strategy: 'vmap', n: 80 })).toBe('vlab_vmap_n80.py');
  });

  it("shows meshgrid's indexing='xy' shape (ny, nx) beside the loop's (nx, ny), and naive's shape error", () => {
    expect(jaxProgram({ ...request, strategy: 'meshgrid' })).toContain(
      `print('indexing="xy" gives shape', jnp.meshgrid(x, y)[0].shape, "against the loop's", (nx, ny))`,
    );
    expect(jaxProgram({ ...request, strategy: 'naive' })).toContain('except TypeError as error:');
  });

  it.skipIf(!numpyVersion)(
    'computes in NumPy the grid the engine computes, for loops, meshgrid, vmap and pmap',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vlab-rect-'));
      try {
        for (const strategy of ['loops', 'meshgrid', 'vmap', 'pmap'] as const) {
          if (strategy === 'pmap' && !(await strategyAvailability()).find((a) => a.strategy === 'pmap')?.available)
            continue;
          const small = { ...request, strategy, nx: 13, ny: 7, dtype: 'float64' as const };
          const program = join(dir, `${strategy}.py`);
          const out = join(dir, `${strategy}.f64`);
          writeFileSync(program, numpyProgram(small));
          execFileSync('python3', [program, out], { timeout: 30_000 });
          const bytes = readFileSync(out);
          const fromNumpy = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
          const { record, grid } = await runStrategy({ ...small, repeats: 0 }, { keepGrid: true });
          try {
            expect(record.shape).toEqual([13, 7]);
            const engine = grid!.toTypedArray();
            expect(fromNumpy.length).toBe(13 * 7);
            for (let k = 0; k < fromNumpy.length; k++) expect(Math.abs(engine[k]! - fromNumpy[k]!)).toBeLessThan(1e-12);
          } finally {
            grid!.dispose();
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
