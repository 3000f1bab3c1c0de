// The Python peers (numpy, jax-vmap, jax-pmap): under the JAX venv of
// scripts/python-venv.mjs they give records in the lab's schema, checked
// against the lab's float64 reference; without a usable Python they are
// unavailable with a reason, and the CLI's exit codes are those of any
// unavailable strategy.

import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../backends/backend.js';
import { runStrategy, strategyAvailability } from '../strategies/run.js';
import { PEER_STRATEGY_NAMES, type RunRecord } from '../strategies/types.js';
import { runSweep, sweepRecords } from '../classroom/sweep.js';
import { sweepToCsv } from '../classroom/sweepCsv.js';
import { runLessonStep } from '../classroom/lesson.js';
import { machineInfo } from '../report/machine.js';
import { peerStatus, probePythonAt, type PythonProbe } from './python.js';
import { venvPython, venvRequired } from '../../scripts/venvPython.js';

const venv = venvPython();
// The peers of this process run under the venv's python (probed lazily, on the first run).
if (venv.python) process.env.VLAB_PYTHON = venv.python;
const vlab = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));
const run = promisify(execFile);

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [vlab, ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('a peer without its Python', () => {
  const versions = {
    python: '3.11.7',
    executable: '/usr/bin/python3',
    cpus: 2,
    numpy: '2.4.6',
    jax: null,
    jaxlib: null,
  };

  it('is unavailable with the reason when the python cannot be started', async () => {
    const probe = await probePythonAt({ VLAB_PYTHON: '/nonexistent/python3' });
    expect(probe.ok).toBe(false);
    for (const peer of PEER_STRATEGY_NAMES) {
      const status = peerStatus(peer, probe, { VLAB_PYTHON: '/nonexistent/python3' });
      expect(status).toEqual({
        available: false,
        reason: expect.stringContaining('VLAB_PYTHON (/nonexistent/python3) not found'),
      });
    }
  });

  it('names the missing package and the pip command', () => {
    const probe: PythonProbe = { ok: true, python: 'python3', versions };
    expect(peerStatus('numpy', probe, {})).toEqual({ available: true });
    expect(peerStatus('jax-vmap', probe, {})).toEqual({
      available: false,
      reason: 'python3 has no jax or jaxlib: pip install jax jaxlib',
    });
    const noNumpy: PythonProbe = { ok: true, python: 'python3', versions: { ...versions, numpy: null } };
    expect(peerStatus('numpy', noNumpy, {})).toEqual({
      available: false,
      reason: 'python3 has no numpy: pip install numpy',
    });
  });

  it('leaves the CLI as for any unavailable strategy: exit 2 with the reason', async () => {
    const asked = await cli(['run', '--strategies', 'numpy,vmap', '--n', '50', '--json'], {
      VLAB_PYTHON: '/nonexistent/python3',
    });
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('numpy is unavailable: VLAB_PYTHON (/nonexistent/python3) not found');
    expect(asked.stdout).toBe('');
  });
});

if (venv.reason && venvRequired) {
  describe('the Python peers', () => {
    it('have a venv with NumPy and JAX (required in CI)', () => {
      throw new Error(`no Python venv with JAX: ${venv.reason}`);
    });
  });
}

describe.skipIf(!venv.python)(`the Python peers under the venv (${venv.python ?? `not run: ${venv.reason}`})`, () => {
  it('are offered by the lab', async () => {
    const list = await strategyAvailability();
    for (const peer of PEER_STRATEGY_NAMES)
      expect(
        list.find((a) => a.strategy === peer),
        peer,
      ).toMatchObject({ available: true });
  });

  it('give records in the lab schema, allclose to the float64 reference, in float32 and float64', async () => {
    const n = 37; // odd: jax-pmap pads the rows to a multiple of its devices
    for (const dtype of ['float32', 'float64'] as const) {
      for (const strategy of PEER_STRATEGY_NAMES) {
        const { record } = await runStrategy({ strategy, n, dtype, repeats: 2 });
        const where = `${strategy} ${dtype}`;
        expect(record, where).toMatchObject({
          strategy,
          nx: n,
          ny: n,
          dtype,
          backend: 'python',
          shape: [n, n],
          allclose: true,
          nonFiniteMatch: true,
        });
        expect(record.maxAbsErr, where).toBeLessThan(dtype === 'float32' ? 1e-6 : 1e-14);
        // The lab's autorange: at least the repeats asked, more while under 25 ms were timed.
        expect(record.repeats, where).toBeGreaterThanOrEqual(2);
        expect(record.minMs).toBeLessThanOrEqual(record.medianMs);
        expect(record.peerVersions, where).toMatch(
          strategy === 'numpy'
            ? /^Python 3\.\d+\.\d+, NumPy \d/
            : /^Python 3\.\d+\.\d+, NumPy \d.*, JAX \d.*, jaxlib \d/,
        );
        if (strategy === 'numpy') {
          // tracemalloc's peak: at least both meshes and the result.
          expect(record.peakBytes, where).toBeGreaterThanOrEqual(3 * n * n * (dtype === 'float32' ? 4 : 8));
        } else {
          expect(record.peakBytes, where).toBeUndefined();
          expect(record.note, where).toContain('peak memory not measured');
        }
        expect(record.devices, where).toBe(strategy === 'jax-pmap' ? availableParallelism() : 1);
      }
    }
  }, 120_000);

  it('run a rectangular grid over another domain: shape (nx, ny), allclose to the reference', async () => {
    for (const strategy of PEER_STRATEGY_NAMES) {
      // 13 rows: jax-pmap pads them to a multiple of its devices and slices the padding off.
      const { record } = await runStrategy({
        strategy,
        nx: 13,
        ny: 7,
        xRange: [-3, 1],
        yRange: [0, 2],
        dtype: 'float64',
        formula: 'x - y / 2 + sin(x) * y',
        repeats: 1,
      });
      expect(record, strategy).toMatchObject({
        nx: 13,
        ny: 7,
        xRange: [-3, 1],
        yRange: [0, 2],
        shape: [13, 7],
        allclose: true,
      });
      expect(record.maxAbsErr, strategy).toBeLessThan(1e-14);
    }
  }, 60_000);

  it('run the same reduction as the lab: max with where it is, and sum, on a grid pmap pads', async () => {
    for (const strategy of PEER_STRATEGY_NAMES) {
      for (const reduce of ['max', 'sum'] as const) {
        const { record } = await runStrategy({ strategy, nx: 13, ny: 7, dtype: 'float64', reduce, repeats: 1 });
        const where = `${strategy} ${reduce}`;
        expect(record, where).toMatchObject({ reduce, shape: [], allclose: true });
        expect(record.error, where).toBeLessThan(1e-12);
        if (reduce === 'max') expect(record.at, where).toEqual(record.referenceAt);
      }
    }
  }, 120_000);

  it('put NaN and infinities where the reference has them', async () => {
    for (const strategy of PEER_STRATEGY_NAMES) {
      const { record } = await runStrategy({
        strategy,
        n: 21,
        dtype: 'float64',
        formula: 'log(x) / (x - y)',
        repeats: 1,
      });
      expect(record.nonFinite.nan + record.nonFinite.posInf + record.nonFinite.negInf, strategy).toBeGreaterThan(0);
      expect(record.nonFiniteMatch, strategy).toBe(true);
    }
  }, 60_000);

  it('stop when cancelled: the child is killed and the run says so', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    await expect(
      runStrategy({ strategy: 'numpy', n: 3000, dtype: 'float64', repeats: 1000 }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('sweep like any strategy, into the sweep CSV with their versions', async () => {
    const result = await runSweep({
      nMin: 8,
      nMax: 40,
      points: 3,
      strategies: ['numpy', 'jax-vmap', 'vmap'],
      repeats: 1,
      limit: false,
    });
    const records = sweepRecords(result);
    expect(records.map((r) => `${r.strategy}@${r.nx}`)).toEqual([
      'numpy@8',
      'jax-vmap@8',
      'vmap@8',
      'numpy@18',
      'jax-vmap@18',
      'vmap@18',
      'numpy@40',
      'jax-vmap@40',
      'vmap@40',
    ]);
    expect(records.every((r) => r.allclose)).toBe(true);
    const csv = sweepToCsv(result, machineInfo());
    expect(csv).toContain('peer_versions');
    expect(csv).toMatch(/numpy,8,8,8,-2,2,-2,2,float32,python,.*Python 3\.\d+\.\d+, NumPy/);
  }, 60_000);

  it("check the lesson's vmap step against JAX itself, with JAX's versions", async () => {
    const step = await runLessonStep('vmap', { n: 200 });
    const sentence = step.sentences.find((s) => s.startsWith('JAX itself ran the same nested vmap'));
    expect(sentence, step.sentences.join('\n')).toMatch(
      /\(Python 3\.\d+\.\d+, NumPy [\d.]+, JAX [\d.]+, jaxlib [\d.]+\): [\d.]+ ms/,
    );
    expect(step.records.map((r) => r.strategy)).toEqual(['vmap', 'meshgrid', 'jax-vmap']);
  }, 60_000);

  it('run beside the lab from the CLI: four records, one schema, allclose true', async () => {
    const { code, stdout, stderr } = await cli(
      ['run', '--strategies', 'numpy,jax-vmap,jax-pmap,vmap', '--n', '1000', '--json'],
      { VLAB_PYTHON: venv.python! },
    );
    expect(code, stderr).toBe(0);
    const { records } = JSON.parse(stdout) as { records: RunRecord[] };
    expect(records.map((r) => r.strategy)).toEqual(['numpy', 'jax-vmap', 'jax-pmap', 'vmap']);
    for (const r of records)
      expect(r, r.strategy).toMatchObject({
        nx: 1000,
        ny: 1000,
        dtype: 'float32',
        shape: [1000, 1000],
        allclose: true,
      });
    expect(records.slice(0, 3).every((r) => r.backend === 'python')).toBe(true);
  }, 120_000);
});
