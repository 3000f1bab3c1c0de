// The reduction programs and the cluster program of "take it to JAX", run
// under real JAX: every way the reduction program computes the number agrees
// with the engine's, and the cluster program, run as two processes on this
// machine (CPU collectives over gloo), prints what it prints as one process.
// Where no venv can be made the test says why; in CI that is a failure.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jaxClusterProgram, jaxReduceProgram } from './jaxReduce.js';
import { runStrategy } from '../strategies/run.js';
import { venvPython, venvRequired } from '../../scripts/venvPython.js';

const run = promisify(execFile);
const venv = venvPython();
const ENV = { ...process.env, JAX_PLATFORMS: 'cpu' };

/** The numbers a program printed on its `value (…): v` lines. */
function values(output: string): number[] {
  return [...output.matchAll(/^value \([^)]*\):\s*(\S+)/gm)].map((m) => Number(m[1]));
}

/** A port nobody is listening on, for the coordinator. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

if (venv.reason && venvRequired) {
  describe('the JAX reduction programs under JAX', () => {
    it('has a venv with JAX (required in CI)', () => {
      throw new Error(`no Python venv with JAX: ${venv.reason}`);
    });
  });
}

describe.skipIf(!venv.python)('the JAX reduction and cluster programs under JAX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-jax-reduce-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['max', 'sum'] as const)(
    'the %s program: meshgrid, vmap fused, pmap and shard_map agree with the engine',
    async (reduce) => {
      const file = join(dir, `reduce_${reduce}.py`);
      writeFileSync(file, jaxReduceProgram({ nx: 13, ny: 9, reduce }));
      const { stdout } = await run(venv.python!, [file], { env: ENV, timeout: 120_000 });
      const got = values(stdout);
      expect(got, stdout).toHaveLength(4);
      const { record } = await runStrategy({ strategy: 'vmap', nx: 13, ny: 9, reduce, repeats: 0 });
      for (const v of got)
        expect(Math.abs(v - record.value!)).toBeLessThanOrEqual(1e-5 * Math.abs(record.value!) + 1e-6);
    },
    180_000,
  );

  it.each(['max', 'mean'] as const)(
    'the %s cluster program prints the single-process value from 2 processes',
    async (reduce) => {
      const file = join(dir, `cluster_${reduce}.py`);
      writeFileSync(file, jaxClusterProgram({ nx: 13, ny: 7, reduce }));
      const cluster = async (count: number) => {
        const port = await freePort();
        const processes = Array.from({ length: count }, (_, k) =>
          run(
            venv.python!,
            [file, '--coordinator', `127.0.0.1:${port}`, '--num-processes', String(count), '--process-id', String(k)],
            { env: ENV, timeout: 120_000 },
          ),
        );
        return (await Promise.all(processes)).map(({ stdout }) => stdout);
      };
      const [single] = await cluster(1);
      const two = await cluster(2);
      const one = values(single!);
      expect(one, single).toHaveLength(1);
      for (const out of two) {
        expect(out).toMatch(/process \d of 2, 1 of 2 devices/);
        const [v] = values(out);
        expect(Math.abs(v! - one[0]!)).toBeLessThanOrEqual(1e-5 * Math.abs(one[0]!));
      }
    },
    240_000,
  );
});
