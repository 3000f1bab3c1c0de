// "Take it to JAX" when the output is a number: the reduction programs (the
// grid's max, min, sum or mean by meshgrid then reduce, by a fused jit of
// vmap, by pmap with lax.pmax / psum over a named axis, and by shard_map with
// P('d')) and the cluster program, which takes the same experiment past one
// machine: jax.distributed.initialize with the coordinator, the process count
// and this process's id from the command line, the rows sharded over the
// global mesh, each device reducing its rows, lax.pmax / psum across every
// process. Each program prints `value: …` lines that the tests compare.
// Everything here produces text; nothing here runs Python.

import type { DType } from '../core/dtype.js';
import { pythonDefinition, pythonDomain, pythonNumber } from '../formula/python.js';
import { DEFAULT_FORMULA, GRID_RANGE, type GridRequest } from '../strategies/types.js';
import type { AnswerMode } from '../strategies/answer.js';

export interface ReduceProgramRequest extends GridRequest {
  formula?: string;
  dtype?: DType;
  reduce: AnswerMode;
}

/** jnp's reduction, lax's collective and the identity a padded row takes so that it changes nothing. */
const REDUCTION: Record<AnswerMode, { jnp: string; collective: string; identity: string }> = {
  max: { jnp: 'max', collective: 'pmax', identity: '-jnp.inf' },
  min: { jnp: 'min', collective: 'pmin', identity: 'jnp.inf' },
  sum: { jnp: 'sum', collective: 'psum', identity: '0' },
  mean: { jnp: 'sum', collective: 'psum', identity: '0' },
};

function filled(request: ReduceProgramRequest) {
  const nx = request.nx ?? request.n;
  const ny = request.ny ?? request.n;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx! < 1 || ny! < 1)
    throw new RangeError('give the grid: n, or nx and ny, positive integers');
  const xRange = request.xRange ?? GRID_RANGE;
  const yRange = request.yRange ?? GRID_RANGE;
  return {
    nx: nx!,
    ny: ny!,
    xRange,
    yRange,
    dtype: request.dtype ?? 'float32',
    formula: request.formula ?? DEFAULT_FORMULA,
    mode: request.reduce,
  };
}

function preamble(request: ReduceProgramRequest, title: string, usage: string): string {
  const { xRange, yRange, dtype, formula, mode } = filled(request);
  return `# Vectorization Lab — "take it to JAX": ${title}
#
# f(x, y) = ${formula.replace(/\s+/g, ' ')}
# on an nx × ny grid over ${pythonDomain(xRange, yRange)}, ${dtype}: the ${mode} of z[i, j] = f(x[i], y[j]).
#
# Needs JAX: pip install -U jax
# ${usage}
`;
}

function definitions(request: ReduceProgramRequest): string {
  const { nx, ny, xRange, yRange, dtype, formula, mode } = filled(request);
  const x64 =
    dtype === 'float64' ? 'jax.config.update("jax_enable_x64", True)  # JAX computes in float32 unless asked\n' : '';
  return `${x64}
dtype = jnp.${dtype}
MODE = "${mode}"


${pythonDefinition(formula, 'jnp')}


def axes(nx, ny):
    return (jnp.linspace(${pythonNumber(xRange[0])}, ${pythonNumber(xRange[1])}, nx, dtype=dtype),
            jnp.linspace(${pythonNumber(yRange[0])}, ${pythonNumber(yRange[1])}, ny, dtype=dtype))


# z over a block of rows (x) and all of y: the lesson's nested vmap.
f_rows = jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))
DEFAULT_NX, DEFAULT_NY = ${nx}, ${ny}
`;
}

/** The body that reduces one device's rows, masking the padded ones, then combines across the named axis 'd'. */
function deviceBody(mode: AnswerMode): string {
  const r = REDUCTION[mode];
  return `def reduce_rows(x_rows, y, nx):
    """One device's rows: z never leaves the fused kernel; padded rows take the reduction's identity."""
    rows = x_rows.shape[0]
    first = jax.lax.axis_index("d") * rows
    valid = (first + jnp.arange(rows)) < nx
    z = jnp.where(valid[:, None], f_rows(x_rows, y), ${r.identity})
    local = jnp.${r.jnp}(z)
    return jax.lax.${r.collective}(local, "d")  # every device gets the total`;
}

/** The single-process reduction program: meshgrid then reduce, vmap fused, pmap with a collective, shard_map. */
export function jaxReduceProgram(request: ReduceProgramRequest): string {
  const { mode } = filled(request);
  const r = REDUCTION[mode];
  const finish = mode === 'mean' ? ' / (nx * ny)' : '';
  const where =
    mode === 'max' || mode === 'min'
      ? `
k = int(jnp.arg${mode}(f_rows(x, y)))
print("at: i =", k // ny, "j =", k % ny)`
      : '';
  return `${preamble(request, `the grid's ${mode}`, 'Run: python3 this_file.py [nx [ny]]')}import os

os.environ.setdefault("XLA_FLAGS", f"--xla_force_host_platform_device_count={os.cpu_count()}")

import sys

import numpy as np
import jax
import jax.numpy as jnp
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

try:
    from jax import shard_map  # JAX >= 0.7
except ImportError:
    from jax.experimental.shard_map import shard_map
${definitions(request)}
nx = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_NX
ny = int(sys.argv[2]) if len(sys.argv) > 2 else (nx if len(sys.argv) > 1 else DEFAULT_NY)
x, y = axes(nx, ny)

# 1. meshgrid, then reduce: two nx × ny meshes and the grid in memory.
x_mesh, y_mesh = jnp.meshgrid(x, y, indexing="ij")
print("value (meshgrid then ${r.jnp}):", float(jnp.${r.jnp}(f(x_mesh, y_mesh))${finish}))
del x_mesh, y_mesh

# 2. vmap, fused under jit: XLA never writes the grid.
fused = jax.jit(lambda x, y: jnp.${r.jnp}(f_rows(x, y)))
print("value (vmap fused):", float(fused(x, y)${finish}))${where}

# 3. pmap over the devices, each reducing its rows, then lax.${r.collective} over the named axis.
${deviceBody(mode)}


devices = jax.devices()
d = len(devices)
rows = -(-nx // d)
x_blocks = jnp.pad(x, (0, d * rows - nx), mode="edge").reshape(d, rows)
per_device = jax.pmap(lambda xb, y: reduce_rows(xb, y, nx), axis_name="d", in_axes=(0, None))(x_blocks, y)
print("value (pmap, lax.${r.collective}):", float(per_device[0])${finish}, "on each of", d, "devices")

# 4. The same with shard_map over a mesh with axis 'd' (JAX's recommended form).
mesh = Mesh(np.array(devices), ("d",))
sharded = jax.jit(shard_map(lambda xb, y: reduce_rows(xb, y, nx), mesh=mesh, in_specs=(P("d"), P()), out_specs=P()))
x_padded = jax.device_put(jnp.pad(x, (0, d * rows - nx), mode="edge"), NamedSharding(mesh, P("d")))
y_whole = jax.device_put(y, NamedSharding(mesh, P()))
print("value (shard_map, lax.${r.collective}):", float(sharded(x_padded, y_whole))${finish})
`;
}

/** The multi-process program: the rows sharded over every device of every process, one collective at the end. */
export function jaxClusterProgram(request: ReduceProgramRequest): string {
  const { mode } = filled(request);
  const r = REDUCTION[mode];
  const finish = mode === 'mean' ? ' / (nx * ny)' : '';
  return `${preamble(
    request,
    `the grid's ${mode} on a cluster`,
    `Run one process per host (or several on one machine, with CPU collectives):
#   python3 this_file.py --coordinator HOST:PORT --num-processes N --process-id K [--nx NX --ny NY]
# e.g. on one machine:
#   for k in 0 1; do python3 this_file.py --coordinator 127.0.0.1:12355 --num-processes 2 --process-id $k & done; wait
# On a SLURM cluster, jax.distributed.initialize() with no arguments finds all three itself.`,
  )}import argparse

import numpy as np
import jax
import jax.numpy as jnp
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

try:
    from jax import shard_map  # JAX >= 0.7
except ImportError:
    from jax.experimental.shard_map import shard_map

parser = argparse.ArgumentParser()
parser.add_argument("--coordinator", required=True, help="HOST:PORT of process 0")
parser.add_argument("--num-processes", type=int, required=True)
parser.add_argument("--process-id", type=int, required=True)
parser.add_argument("--nx", type=int, default=None)
parser.add_argument("--ny", type=int, default=None)
args = parser.parse_args()

# Collectives between CPU processes go over gloo; GPU and TPU clusters use their own.
jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.distributed.initialize(
    coordinator_address=args.coordinator, num_processes=args.num_processes, process_id=args.process_id
)
${definitions(request)}
nx = args.nx or DEFAULT_NX
ny = args.ny or DEFAULT_NY

${deviceBody(mode)}


# The global mesh: every device of every process, on one axis 'd'.
devices = jax.devices()
d = len(devices)
rows = -(-nx // d)
mesh = Mesh(np.array(devices), ("d",))
x_host, y_host = (np.asarray(a) for a in axes(nx, ny))
x_host = np.pad(x_host, (0, d * rows - nx), mode="edge")
# Each process supplies only the rows of its own devices; y is whole everywhere.
x_global = jax.make_array_from_callback(x_host.shape, NamedSharding(mesh, P("d")), lambda index: x_host[index])
y_global = jax.make_array_from_callback(y_host.shape, NamedSharding(mesh, P()), lambda index: y_host[index])
reduce_all = jax.jit(shard_map(lambda xb, y: reduce_rows(xb, y, nx), mesh=mesh, in_specs=(P("d"), P()), out_specs=P()))
total = reduce_all(x_global, y_global)
value = float(np.asarray(total.addressable_data(0)))${finish}
print(f"process {jax.process_index()} of {jax.process_count()}, {len(jax.local_devices())} of {d} devices")
print("value (cluster, lax.${r.collective}):", value)
`;
}
