// For tests: the python of the JAX venv (scripts/python-venv.mjs makes it once,
// then reuses it), or the reason it could not be had. Where CI asks for it
// (VLAB_VENV_REQUIRED=1, set by .ci/run), a missing venv is the test's failure,
// not a skip.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type VenvPython = { python: string; reason?: undefined } | { python?: undefined; reason: string };

const script = fileURLToPath(new URL('./python-venv.mjs', import.meta.url));

/** Makes the venv if it is missing (minutes, once); synchronous so tests can use it while collecting. */
export function venvPython(): VenvPython {
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20 * 60_000 });
  if (result.status === 0) return { python: result.stdout.trim() };
  const why = (result.stderr ?? '')
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('python-venv:'))
    .at(-1);
  return { reason: why ?? `scripts/python-venv.mjs exited with ${result.status ?? result.signal}` };
}

/** CI runs the Python tests for real: there a missing venv fails them. */
export const venvRequired = process.env.VLAB_VENV_REQUIRED === '1';

let numpyPythonCache: string | null | undefined;

/**
 * A Python that has NumPy, for tests that load what the lab wrote (a .npy)
 * with NumPy itself: python3 on PATH if it has NumPy, else the JAX venv's.
 * null only where neither can be had; under VLAB_VENV_REQUIRED that is an error.
 */
export function numpyPython(): string | null {
  if (numpyPythonCache !== undefined) return numpyPythonCache;
  const hasNumpy = (python: string) => spawnSync(python, ['-c', 'import numpy'], { timeout: 60_000 }).status === 0;
  if (hasNumpy('python3')) return (numpyPythonCache = 'python3');
  const venv = venvPython();
  if (venv.python && hasNumpy(venv.python)) return (numpyPythonCache = venv.python);
  if (venvRequired)
    throw new Error(
      `no Python with NumPy: python3 has none and the venv could not be had (${venv.reason ?? 'no numpy in it'})`,
    );
  return (numpyPythonCache = null);
}
