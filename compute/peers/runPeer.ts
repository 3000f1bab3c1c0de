// Runs one peer (NumPy or JAX) in a Python child process: sends the request
// (nx, ny and the domain, dtype, the formula rendered to Python from its AST, the lab's timing
// rules) as JSON on stdin, reads back one JSON line of timings and then the
// grid as raw bytes, straight into an array from the lab's allocator — never
// millions of numbers as JSON. Cancellation kills the child.

import { spawn } from 'node:child_process';
import type { DType } from '../core/dtype.js';
import { itemSize } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { CancelledError } from '../backends/backend.js';
import { pythonDefinition } from '../formula/python.js';
import type { GridSpec, PeerStrategyName, ReduceMode } from '../strategies/types.js';
import { MAX_TIMED_CALLS, MIN_TIMED_MS } from '../strategies/timing.js';

export interface PeerRequest {
  peer: PeerStrategyName;
  python: string;
  /** peer.py's text, run with python -c. */
  program: string;
  /** nx × ny points over xRange × yRange. */
  grid: GridSpec;
  dtype: DType;
  /** The formula's text: parsed here, and rendered to Python from its AST. */
  formula: string;
  repeats: number;
  /** jax-pmap's host devices (XLA's --xla_force_host_platform_device_count). */
  devices: number;
  /** A number instead of the grid: peer.py then sends [value, flat index] as float64. */
  reduce?: ReduceMode;
  signal?: AbortSignal;
}

/** What peer.py reports beside the grid. */
export interface PeerTimings {
  firstMs: number;
  repeatMs: number[];
  peakBytes?: number;
  devices: number;
  deviceName: string;
  note: string;
  shape: number[];
  dtype: string;
  versions: { python: string; numpy: string | null; jax: string | null; jaxlib: string | null };
}

export class PeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerError';
  }
}

/** The child's environment: JAX on the CPU (a fair peer of the lab's CPU strategies), host devices for pmap. */
function childEnv(request: PeerRequest): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, JAX_PLATFORMS: 'cpu', PYTHONUNBUFFERED: '1' };
  if (request.peer === 'jax-pmap') {
    const others = (process.env.XLA_FLAGS ?? '')
      .split(/\s+/)
      .filter((f) => f && !f.startsWith('--xla_force_host_platform_device_count'));
    env.XLA_FLAGS = [...others, `--xla_force_host_platform_device_count=${request.devices}`].join(' ');
  }
  return env;
}

export function runPeer(request: PeerRequest): Promise<{ grid: NDArray; timings: PeerTimings }> {
  const { signal } = request;
  if (signal?.aborted) return Promise.reject(new CancelledError());
  const answerDtype: DType = request.reduce && request.reduce !== 'grid' ? 'float64' : request.dtype;
  const message = JSON.stringify({
    peer: request.peer,
    // n and gridRange stay for a peer.py that predates rectangular grids: the square side and x's range.
    n: request.grid.nx,
    nx: request.grid.nx,
    ny: request.grid.ny,
    gridRange: request.grid.xRange,
    xRange: request.grid.xRange,
    yRange: request.grid.yRange,
    dtype: request.dtype,
    source: { np: pythonDefinition(request.formula, 'np'), jnp: pythonDefinition(request.formula, 'jnp') },
    repeats: request.repeats,
    reduce: request.reduce ?? 'grid',
    minTimedMs: MIN_TIMED_MS,
    maxTimedCalls: MAX_TIMED_CALLS,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(request.python, ['-c', request.program, 'run'], {
      env: childEnv(request),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let header: PeerTimings | { error: string } | null = null;
    let headerText = Buffer.alloc(0);
    let grid: NDArray | null = null;
    let bytes: Uint8Array | null = null;
    let filled = 0;
    let stderr = '';
    let failure: Error | null = null;
    const onAbort = () => {
      failure = new CancelledError();
      child.kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const take = (chunk: Buffer) => {
      if (failure) return;
      if (!header) {
        headerText = Buffer.concat([headerText, chunk]);
        const end = headerText.indexOf(0x0a);
        if (end < 0) return;
        header = JSON.parse(headerText.subarray(0, end).toString('utf8')) as PeerTimings | { error: string };
        chunk = headerText.subarray(end + 1);
        if ('error' in header) return;
        if (header.dtype !== answerDtype) {
          failure = new PeerError(`${request.peer} returned ${header.dtype}, not ${answerDtype}`);
          child.kill();
          return;
        }
        grid = NDArray.empty(header.shape, answerDtype);
        bytes = new Uint8Array(grid.data.buffer, grid.data.byteOffset, grid.data.byteLength);
      }
      if (!bytes || chunk.length === 0) return;
      if (filled + chunk.length > bytes.length) {
        failure = new PeerError(
          `${request.peer} sent more than the ${bytes.length} bytes of its ` +
            `${header && 'shape' in header ? header.shape.join(' × ') : ''} grid`,
        );
        child.kill();
        return;
      }
      bytes.set(chunk, filled);
      filled += chunk.length;
    };
    child.stdout.on('data', take);
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    child.on('error', (error) => {
      failure ??= new PeerError(`${request.python} could not be started for ${request.peer}: ${error.message}`);
    });
    child.on('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      const fail = (error: Error) => {
        grid?.dispose();
        reject(error);
      };
      if (failure) return fail(failure);
      const h = header as PeerTimings | { error: string } | null;
      if (h && 'error' in h) return fail(new PeerError(`${request.peer} failed in Python: ${h.error}`));
      if (code !== 0 || !h || !grid) {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        return fail(
          new PeerError(
            `${request.peer} stopped (${exitSignal ?? `exit ${code}`}) before returning its ` +
              `grid${last ? `: ${last}` : ''}`,
          ),
        );
      }
      const expected = grid.size * itemSize(answerDtype);
      if (filled !== expected)
        return fail(new PeerError(`${request.peer} sent ${filled} of the grid's ${expected} bytes`));
      resolve({ grid, timings: h });
    });
    child.stdin.on('error', () => {}); // a child that dies early closes its stdin; 'close' reports why
    child.stdin.end(message);
  });
}
