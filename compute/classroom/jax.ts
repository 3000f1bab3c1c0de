// "Take it to JAX": the lab's experiment written as the JAX program a user
// would run on a machine with GPUs or TPUs — the same formula (rendered from
// its AST, never from the user's text), the same grid, the same strategy
// (jit, vmap with in_axes, pmap over jax.devices(), meshgrid), timed with
// block_until_ready. A NumPy rendering of the same data movement lets the
// tests run the program's arithmetic where no JAX is installed; the programs
// themselves run under real JAX in jaxUnderJax.test.ts.
// Everything here produces text; nothing here runs Python.

import type { DType } from '../core/dtype.js';
import { pythonDefinition, pythonDomain, pythonNumber, type Namespace } from '../formula/python.js';

export { pythonExpression } from '../formula/python.js';
import { DEFAULT_FORMULA, GRID_RANGE, type GridRequest, type LabStrategyName } from '../strategies/types.js';
import { STRATEGY_SUMMARY, strategyBody } from './jaxStrategyBodies.js';

export interface PythonProgramRequest extends GridRequest {
  formula?: string;
  strategy: LabStrategyName;
  dtype?: DType;
}

/** A request with every default filled in. */
interface FilledRequest {
  formula: string;
  strategy: LabStrategyName;
  nx: number;
  ny: number;
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  dtype: DType;
}

function header(request: FilledRequest): string {
  const { formula, strategy, nx, ny, xRange, yRange, dtype } = request;
  return `# Vectorization Lab — "take it to JAX"
#
# f(x, y) = ${formula.replace(/\s+/g, ' ')}
# on an nx × ny grid over ${pythonDomain(xRange, yRange)}, ${dtype}: z[i, j] = f(x[i], y[j]).
# Strategy '${strategy}': ${STRATEGY_SUMMARY[strategy]}.
#
# Needs JAX: pip install -U jax (CPU), or "jax[cuda12]" for NVIDIA GPUs, or "jax[tpu]".
# Run: python3 this_file.py [nx [ny]]
#   (defaults: ${nx} × ${ny}, the size the lab ran; ny defaults to nx when nx is given)
`;
}

const TIMER = `def timed(label, call):
    """Runs call() once and prints its wall time; JAX dispatches asynchronously, so wait for the result."""
    start = time.perf_counter()
    out = jax.block_until_ready(call())
    print(f"{label}: {(time.perf_counter() - start) * 1e3:.3f} ms")
    return out
`;

function side(name: string, value: number | undefined): number {
  if (value === undefined || !Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function domain(name: string, value: readonly [number, number] | undefined): readonly [number, number] {
  if (value === undefined) return GRID_RANGE;
  if (value.length !== 2 || !value.every(Number.isFinite) || !(value[0] < value[1]))
    throw new RangeError(`${name} must be two finite numbers, increasing, got [${value.join(', ')}]`);
  return value;
}

function fill(request: PythonProgramRequest): FilledRequest {
  return {
    formula: request.formula ?? DEFAULT_FORMULA,
    strategy: request.strategy,
    nx: request.nx !== undefined ? side('nx', request.nx) : side('n', request.n),
    ny: request.ny !== undefined ? side('ny', request.ny) : side('n', request.n),
    xRange: domain('xRange', request.xRange),
    yRange: domain('yRange', request.yRange),
    dtype: request.dtype ?? 'float32',
  };
}

/** x and y as linspace over the domain, in jnp or np. */
function axesDefinition(request: FilledRequest, ns: Namespace): string {
  const { xRange, yRange } = request;
  return `x = ${ns}.linspace(${pythonNumber(xRange[0])}, ${pythonNumber(xRange[1])}, nx, dtype=dtype)
y = ${ns}.linspace(${pythonNumber(yRange[0])}, ${pythonNumber(yRange[1])}, ny, dtype=dtype)`;
}

/** The JAX program for a formula and strategy, as Python source text. Throws FormulaError for a bad formula. */
export function jaxProgram(request: PythonProgramRequest): string {
  const filled = fill(request);
  const { strategy, nx, ny, dtype } = filled;
  const lines: string[] = [header(filled)];
  if (strategy === 'pmap') {
    lines.push(`import os

# On a CPU-only machine JAX sees one device; ask XLA for one per core, before JAX starts.
os.environ.setdefault("XLA_FLAGS", f"--xla_force_host_platform_device_count={os.cpu_count()}")
`);
  }
  lines.push(`import sys
import time

import numpy as np
import jax
import jax.numpy as jnp
`);
  if (dtype === 'float64')
    lines.push('jax.config.update("jax_enable_x64", True)  # JAX computes in float32 unless asked\n');
  lines.push(`nx = int(sys.argv[1]) if len(sys.argv) > 1 else ${nx}
ny = int(sys.argv[2]) if len(sys.argv) > 2 else (nx if len(sys.argv) > 1 else ${ny})
dtype = jnp.${dtype}


${pythonDefinition(filled.formula, 'jnp')}

${axesDefinition(filled, 'jnp')}


${TIMER}

def check(z):
    """The grid must match f on broadcast axes (x down, y across), the loop's z[i, j] = f(x[i], y[j])."""
    reference = f(x[:, None], y[None, :])
    close = jnp.allclose(z, reference, rtol=1e-5, atol=${dtype === 'float32' ? '1e-6' : '1e-8'})
    print("shape", z.shape, "allclose to the reference:", bool(close))


${strategyBody(strategy)}`);
  return lines.join('\n');
}

/**
 * The same computation in NumPy, with the strategy's data movement (loops,
 * flat vectors, meshes, broadcasting for vmap's in_axes, row blocks for
 * pmap). It writes the result as float64 to the file named by its first
 * argument: the tests compare it with the engine's grid.
 */
export function numpyProgram(request: PythonProgramRequest): string {
  const filled = fill(request);
  const { strategy, nx, ny, dtype } = filled;
  let body: string;
  switch (strategy) {
    case 'loops':
      body = `z = np.empty((nx, ny), dtype=dtype)
for i in range(nx):
    for j in range(ny):
        z[i, j] = f(x[i], y[j])`;
      break;
    case 'naive':
      body = 'z = f(x, y)';
      break;
    case 'meshgrid':
    case 'meshgrid-eager':
      body = `x_mesh, y_mesh = np.meshgrid(x, y, indexing="ij")
z = f(x_mesh, y_mesh)`;
      break;
    case 'vmap':
    case 'gpu':
      // vmap with in_axes (0, None) then (None, 0) is broadcasting x down the rows and y across.
      body = 'z = np.broadcast_to(f(x[:, None], y[None, :]), (nx, ny))';
      break;
    case 'pmap':
      body = `d = 4
rows = -(-nx // d)
x_blocks = np.pad(x, (0, d * rows - nx), mode="edge").reshape(d, rows)
z = np.concatenate([np.broadcast_to(f(block[:, None], y[None, :]), (rows, ny)) for block in x_blocks])[:nx]`;
      break;
    default:
      return strategy satisfies never;
  }
  return `import sys
import numpy as np

np.seterr(all="ignore")  # inf and nan are results here, as in the engine
nx = ${nx}
ny = ${ny}
dtype = np.${dtype}


${pythonDefinition(filled.formula, 'np')}

${axesDefinition(filled, 'np')}
${body}
z = np.asarray(z)
assert z.dtype == dtype, z.dtype
np.asarray(z, dtype=np.float64).tofile(sys.argv[1])
`;
}

/** A file name for the exported program, e.g. vlab_vmap_n80.py, or vlab_vmap_120x70.py for a rectangular grid. */
export function jaxFileName(request: Pick<PythonProgramRequest, 'strategy' | 'n' | 'nx' | 'ny'>): string {
  const nx = request.nx ?? request.n;
  const ny = request.ny ?? request.n;
  return `vlab_${request.strategy.replace(/-/g, '_')}_${nx === ny ? `n${nx}` : `${nx}x${ny}`}.py`;
}
