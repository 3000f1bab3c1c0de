// "Take it to JAX" run under real JAX: every strategy's exported program, in
// float32 and float64, in the venv scripts/python-venv.mjs makes. Each program
// checks itself (its `allclose … True` lines); the pmap program must also show
// JAX refusing one slice more than it has devices, and its shard_map section
// must agree too. Where no venv can be made the test says why; in CI
// (VLAB_VENV_REQUIRED=1) that is a failure.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DType } from '../core/dtype.js';
import { LAB_STRATEGY_NAMES, type LabStrategyName } from '../strategies/types.js';
import { jaxProgram } from './jax.js';
import { runStrategy } from '../strategies/run.js';
import { venvPython, venvRequired } from '../../scripts/venvPython.js';

const venv = venvPython();
/** Odd, so that pmap pads the rows to a multiple of the device count. */
const N = 13;
const DTYPES: readonly DType[] = ['float32', 'float64'];

/**
 * One Python process per dtype runs that dtype's programs one after another
 * (JAX imports once), each as `python3 program.py` would, its output kept
 * apart; pmap goes first so that its own XLA_FLAGS line is what gives JAX one
 * device per core.
 */
const DRIVER = `import contextlib, io, runpy, sys, traceback
for program in sys.argv[1:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            sys.argv = [program]
            runpy.run_path(program, run_name="__main__")
        except BaseException:
            print("TRACEBACK " + traceback.format_exc())
    with open(program + ".out", "w") as f:
        f.write(out.getvalue())
`;

function order(names: readonly LabStrategyName[]): LabStrategyName[] {
  return [...names].sort((a, b) => Number(b === 'pmap') - Number(a === 'pmap'));
}

if (venv.reason && venvRequired) {
  describe('the JAX export under JAX', () => {
    it('has a venv with JAX (required in CI)', () => {
      throw new Error(`no Python venv with JAX: ${venv.reason}`);
    });
  });
}

describe.skipIf(!venv.python)(`the JAX export under JAX (${venv.python ?? `not run: ${venv.reason}`})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-jax-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const outputs = new Map<string, string>();
  const key = (strategy: LabStrategyName, dtype: DType) => `${strategy} ${dtype}`;

  it('runs every strategy in float32 and float64 without an error', async () => {
    const run = promisify(execFile);
    await Promise.all(
      DTYPES.map(async (dtype) => {
        const files = order(LAB_STRATEGY_NAMES).map((strategy) => {
          const file = join(dir, `${dtype}_${strategy.replace(/-/g, '_')}.py`);
          writeFileSync(file, jaxProgram({ strategy, n: N, dtype }));
          return { strategy, file };
        });
        const env = { ...process.env };
        delete env.XLA_FLAGS;
        await run(venv.python!, ['-c', DRIVER, ...files.map((f) => f.file)], { env, timeout: 240_000 });
        for (const { strategy, file } of files) outputs.set(key(strategy, dtype), readFileSync(`${file}.out`, 'utf8'));
      }),
    );
    for (const [name, text] of outputs) expect(text, `${name}:\n${text}`).not.toContain('TRACEBACK');
    expect(outputs.size).toBe(LAB_STRATEGY_NAMES.length * DTYPES.length);
  }, 300_000);

  it("says allclose True in every program's own check, shard_map's included", () => {
    for (const dtype of DTYPES) {
      for (const strategy of LAB_STRATEGY_NAMES) {
        const text = outputs.get(key(strategy, dtype)) ?? '';
        const verdicts = [...text.matchAll(/allclose to the reference: (True|False)/g)].map((m) => m[1]);
        // naive computes the diagonal on purpose and has no check; pmap checks pmap and shard_map.
        const expected = strategy === 'naive' ? 0 : strategy === 'pmap' ? 2 : 1;
        expect(verdicts, `${strategy} ${dtype}:\n${text}`).toEqual(Array(expected).fill('True'));
        expect(text, `${strategy} ${dtype}`).toContain(
          strategy === 'naive' ? `shape (${N},) but the grid is (${N}, ${N})` : `shape (${N}, ${N})`,
        );
      }
    }
  });

  it("shows pmap's rule: one slice more than the devices is refused", () => {
    for (const dtype of DTYPES) {
      const text = outputs.get(key('pmap', dtype)) ?? '';
      const devices = Number(/first call on (\d+) devices/.exec(text)?.[1]);
      // The program's own XLA_FLAGS line asks for one host device per core.
      expect(devices, text).toBeGreaterThanOrEqual(1);
      expect(text, text).toContain(`pmap refused ${devices + 1} slices:`);
      expect(text).not.toContain('did not refuse');
      expect(text).toContain('shard_map, second call');
    }
  });
  it("runs a rectangular grid over another domain: allclose True, naive fails with JAX's own shape error, meshgrid 'xy' gives (ny, nx)", async () => {
    const run = promisify(execFile);
    const files = order(LAB_STRATEGY_NAMES).map((strategy) => {
      const file = join(dir, `rect_${strategy.replace(/-/g, '_')}.py`);
      writeFileSync(
        file,
        jaxProgram({
          strategy,
          nx: 13,
          ny: 7,
          xRange: [-3, 1],
          yRange: [0, 2],
          formula: 'x * exp(-x^2 - y^2)',
          dtype: 'float32',
        }),
      );
      return { strategy, file };
    });
    const env = { ...process.env };
    delete env.XLA_FLAGS;
    await run(venv.python!, ['-c', DRIVER, ...files.map((f) => f.file)], { env, timeout: 240_000 });
    for (const { strategy, file } of files) {
      const text = readFileSync(`${file}.out`, 'utf8');
      expect(text, `${strategy}:\n${text}`).not.toContain('TRACEBACK');
      if (strategy === 'naive') {
        // The engine's ShapeError is worded after this message: JAX's own, from the first op that mixes x and y.
        const { record } = await runStrategy({
          strategy: 'naive',
          nx: 13,
          ny: 7,
          formula: 'x * exp(-x^2 - y^2)',
          backend: 'js',
        });
        expect(record.shapeError).toBe('sub got incompatible shapes for broadcasting: (13,), (7,).');
        expect(text).toContain(`f(x, y) fails: ${record.shapeError}`);
        continue;
      }
      const verdicts = [...text.matchAll(/allclose to the reference: (True|False)/g)].map((m) => m[1]);
      expect(verdicts, `${strategy}:\n${text}`).toEqual(Array(strategy === 'pmap' ? 2 : 1).fill('True'));
      expect(text).toContain('shape (13, 7)');
      if (strategy === 'meshgrid')
        expect(text).toContain(`indexing="xy" gives shape (7, 13) against the loop's (13, 7)`);
    }
  }, 300_000);
});
