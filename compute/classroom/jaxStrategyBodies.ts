// The strategy-specific half of the exported JAX program: for each lab
// strategy, a one-line summary for the header and the Python that builds and
// times z. Text only; jax.ts puts the header, data and check around it.

import type { LabStrategyName } from '../strategies/types.js';

/** What each strategy does, one line, for the program's header. */
export const STRATEGY_SUMMARY: Record<LabStrategyName, string> = {
  loops: 'one jitted call per element, z[i, j] = f(x[i], y[j]): the cost of a call made visible',
  naive: 'f(x, y) on the flat vectors: shape (n,), the diagonal, not the (n, n) grid (the wrong answer, on purpose)',
  meshgrid: 'meshgrid, then one jitted (fused) call: fast, but two n×n meshes in memory',
  'meshgrid-eager': 'meshgrid, then f op by op without jit: one n×n temporary per operation, as NumPy does',
  vmap: 'vmap over y (the inner loop), then over x (the outer loop), jitted: flat inputs, no meshes',
  pmap: "the grid's rows split over every device with pmap (and the same with shard_map)",
  gpu: 'the vmapped kernel on the default accelerator, with upload, kernel and read-back timed apart',
};

/** The Python that computes and times z for one strategy (x, y, f, timed and check come before it). */
export function strategyBody(strategy: LabStrategyName): string {
  switch (strategy) {
    case 'loops':
      return `f_jit = jax.jit(f)

def loop():
    z = np.empty((nx, ny), dtype=dtype)  # a NumPy array, because we write into it
    for i in range(nx):
        for j in range(ny):
            z[i, j] = f_jit(x[i], y[j])
    return z

z = timed("first pass (compiles f)", loop)
z = timed("second pass", loop)
print(f"{nx * ny} calls of f, one per element")
check(z)
`;
    case 'naive':
      return `f_jit = jax.jit(f)
try:
    z = timed("first call (compiles)", lambda: f_jit(x, y))
    z = timed("second call", lambda: f_jit(x, y))
    # Not the grid: f paired x[i] with y[i] only, the grid's diagonal.
    print("shape", z.shape, "but the grid is", (nx, ny))
except TypeError as error:
    # nx != ny: elementwise f cannot even pair x with y ("add got incompatible shapes for broadcasting").
    print("f(x, y) fails:", error)
`;
    case 'meshgrid':
      return `# indexing="ij" gives z[i, j] = f(x[i], y[j]), as the loop does; the default "xy" transposes the grid.
x_mesh, y_mesh = jnp.meshgrid(x, y, indexing="ij")
f_jit = jax.jit(f)
z = timed("first call (compiles)", lambda: f_jit(x_mesh, y_mesh))
z = timed("second call", lambda: f_jit(x_mesh, y_mesh))
print("meshes:", x_mesh.nbytes + y_mesh.nbytes, "bytes; the flat x:", x.nbytes, "bytes")
check(z)
# NumPy's and JAX's default, indexing="xy", puts y down the rows: shape (ny, nx), the transpose.
print('indexing="xy" gives shape', jnp.meshgrid(x, y)[0].shape, "against the loop's", (nx, ny))
`;
    case 'meshgrid-eager':
      return `# No jit: every operation of f runs on its own and allocates an nx×ny temporary, as in NumPy.
x_mesh, y_mesh = jnp.meshgrid(x, y, indexing="ij")
z = timed("first call", lambda: f(x_mesh, y_mesh))
z = timed("second call", lambda: f(x_mesh, y_mesh))
print("meshes:", x_mesh.nbytes + y_mesh.nbytes, "bytes; the flat x:", x.nbytes, "bytes")
check(z)
`;
    case 'vmap':
      return `# From the inner loop outwards: first over y (the second argument), then over x (the first).
f_vec_y = jax.vmap(f, in_axes=(None, 0))
f_vec = jax.jit(jax.vmap(f_vec_y, in_axes=(0, None)))
z = timed("first call (compiles)", lambda: f_vec(x, y))
z = timed("second call", lambda: f_vec(x, y))
print("shape", z.shape, "from flat inputs of", x.nbytes, "bytes each")
check(z)
`;
    case 'pmap':
      return `# pmap maps the leading axis over devices, one slice per device, and that axis may not
# exceed the device count. So the rows of the grid go in d blocks: x is padded (with its
# last value) to a multiple of d and reshaped to (d, rows); each device runs the vmapped
# f on its block, and the padded rows are sliced off.
devices = jax.devices()
d = len(devices)
rows = -(-nx // d)
x_blocks = jnp.pad(x, (0, d * rows - nx), mode="edge").reshape(d, rows)
f_rows = jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))
f_pmap = jax.pmap(f_rows, in_axes=(0, None))
z = timed(f"first call on {d} devices (compiles)", lambda: f_pmap(x_blocks, y))
z = timed(f"second call on {d} devices", lambda: f_pmap(x_blocks, y))
z = z.reshape(d * rows, ny)[:nx]
check(z)

# The rule, shown by breaking it: a leading axis of d + 1 is refused.
try:
    f_pmap(jnp.zeros((d + 1, rows), dtype=dtype), y)
except Exception as error:  # a ValueError in the JAX versions we know
    print("pmap refused", d + 1, "slices:", error)
else:
    print("pmap did not refuse", d + 1, "slices on", d, "devices")

# The same computation with shard_map, which JAX recommends for new code
# (from JAX 0.8, pmap itself is built on jit and shard_map).
try:
    from jax import shard_map  # JAX >= 0.7
except ImportError:
    from jax.experimental.shard_map import shard_map
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

mesh = Mesh(np.array(devices), ("rows",))
f_sharded = jax.jit(shard_map(f_rows, mesh=mesh, in_specs=(P("rows"), P()), out_specs=P("rows")))
# The inputs are put on the mesh as in_specs says: x split by rows, y whole on every device.
# (From JAX 0.8, shard_map refuses an input whose sharding differs from its in_specs.)
x_padded = jax.device_put(jnp.pad(x, (0, d * rows - nx), mode="edge"), NamedSharding(mesh, P("rows")))
y = jax.device_put(y, NamedSharding(mesh, P()))
z_sharded = timed("shard_map, first call (compiles)", lambda: f_sharded(x_padded, y))
z_sharded = timed("shard_map, second call", lambda: f_sharded(x_padded, y))[:nx]
check(z_sharded)
`;
    case 'gpu':
      return `device = jax.devices()[0]
print("device:", device.platform, device.device_kind)
if device.platform == "cpu":
    print("JAX sees no GPU or TPU here: this runs on the CPU (pip install -U \\"jax[cuda12]\\" for NVIDIA GPUs)")
f_vec = jax.jit(jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None)))
x_host = np.asarray(x)
y_host = np.asarray(y)
jax.block_until_ready(f_vec(jax.device_put(x_host, device), jax.device_put(y_host, device)))  # compile once, untimed

# Upload, kernel and read-back, timed apart.
x_dev = timed("upload x", lambda: jax.device_put(x_host, device))
y_dev = timed("upload y", lambda: jax.device_put(y_host, device))
z_dev = timed("kernel", lambda: f_vec(x_dev, y_dev))
start = time.perf_counter()
z = np.asarray(z_dev)
print(f"read-back: {(time.perf_counter() - start) * 1e3:.3f} ms")
check(z)
`;
    default:
      return strategy satisfies never;
  }
}
