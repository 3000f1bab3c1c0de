// Finds the Python the peers run under (VLAB_PYTHON, else python3 on PATH)
// and what it has: NumPy, JAX and jaxlib, with their versions. Asked once per
// process (one short child process, no package imported), so that a strategy
// list can say at once why a peer is unavailable. Never installs anything.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendStatus } from '../backends/backend.js';
import type { PeerStrategyName } from '../strategies/types.js';

/** What peer.py's probe reports: a package's version, or null where it is not installed. */
export interface PythonVersions {
  python: string;
  executable: string;
  cpus: number;
  numpy: string | null;
  jax: string | null;
  jaxlib: string | null;
}

export type PythonProbe =
  { ok: true; python: string; versions: PythonVersions } | { ok: false; python: string; reason: string };

/** The packages each peer imports. */
const NEEDS: Record<PeerStrategyName, readonly ('numpy' | 'jax' | 'jaxlib')[]> = {
  numpy: ['numpy'],
  'jax-vmap': ['numpy', 'jax', 'jaxlib'],
  'jax-pmap': ['numpy', 'jax', 'jaxlib'],
};

const PROBE_TIMEOUT_MS = 20_000;

/** The python to run: VLAB_PYTHON, else python3 (python on Windows) from PATH. */
export function peerPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.VLAB_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
}

/** Where assets/peers/peer.py is: in this checkout, or beside a built dist/. */
function peerProgramPath(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    const candidate = join(dir, 'assets', 'peers', 'peer.py');
    if (existsSync(candidate)) return candidate;
  }
  const fromCwd = resolve(process.cwd(), 'assets', 'peers', 'peer.py');
  return existsSync(fromCwd) ? fromCwd : null;
}

let programSource: string | null | undefined;

/**
 * The peers' Python program as text, read once. Python gets it with -c, not
 * as a path: inside a packaged app (an asar archive) only Node can read the file.
 */
export function peerProgram(): string | null {
  if (programSource === undefined) {
    const path = peerProgramPath();
    programSource = path ? readFileSync(path, 'utf8') : null;
  }
  return programSource;
}

function label(python: string, env: NodeJS.ProcessEnv): string {
  return env.VLAB_PYTHON ? `VLAB_PYTHON (${python})` : python;
}

/** Asks a python what it has. Never rejects: a missing or broken Python is a probe with a reason. */
export function probePythonAt(env: NodeJS.ProcessEnv = process.env): Promise<PythonProbe> {
  const python = peerPython(env);
  const program = peerProgram();
  if (!program)
    return Promise.resolve({
      ok: false,
      python,
      reason: "the peers' program assets/peers/peer.py is missing from this installation",
    });
  return new Promise((done) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(python, ['-c', program, 'probe'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: PROBE_TIMEOUT_MS,
      windowsHide: true,
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'not found' : error.message;
      const hint = env.VLAB_PYTHON
        ? 'set VLAB_PYTHON to a Python 3 with NumPy and JAX'
        : 'install Python 3, or set VLAB_PYTHON to one with NumPy and JAX';
      done({ ok: false, python, reason: `${label(python, env)} ${why}: ${hint}` });
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        done({
          ok: false,
          python,
          reason:
            `${label(python, env)} could not run the peers' probe ` +
            `(${signal ?? `exit ${code}`}${last ? `: ${last}` : ''}); it needs Python 3.8 or later`,
        });
        return;
      }
      try {
        done({ ok: true, python, versions: JSON.parse(stdout) as PythonVersions });
      } catch {
        done({
          ok: false,
          python,
          reason: `${label(python, env)} answered the probe with something other than JSON: ${stdout.slice(0, 200)}`,
        });
      }
    });
  });
}

let probed: Promise<PythonProbe> | null = null;
let settled: PythonProbe | null = null;

/** The probe of this process's Python, asked once; later calls share the answer. */
export function probePython(): Promise<PythonProbe> {
  probed ??= probePythonAt().then((probe) => (settled = probe));
  return probed;
}

/** Whether a peer can run, from the probe (after probePython() has settled). */
export function peerStatus(
  peer: PeerStrategyName,
  probe: PythonProbe | null = settled,
  env: NodeJS.ProcessEnv = process.env,
): BackendStatus {
  if (!probe) return { available: false, reason: 'Python is still being probed', pending: true };
  if (!probe.ok) return { available: false, reason: probe.reason };
  const missing = NEEDS[peer].filter((name) => !probe.versions[name]);
  if (missing.length)
    return {
      available: false,
      reason: `${label(probe.python, env)} has no ${missing.join(' or ')}: pip install ${missing.join(' ')}`,
    };
  return { available: true };
}

const PACKAGE_LABELS = { numpy: 'NumPy', jax: 'JAX', jaxlib: 'jaxlib' } as const;

/** The versions a peer ran with, for its record: "Python 3.11.7, NumPy 2.4.6, JAX 0.10.2, jaxlib 0.10.2". */
export function peerVersions(peer: PeerStrategyName, versions: PythonVersions): string {
  return [
    `Python ${versions.python}`,
    ...NEEDS[peer].map((name) => `${PACKAGE_LABELS[name]} ${versions[name] ?? 'absent'}`),
  ].join(', ');
}
