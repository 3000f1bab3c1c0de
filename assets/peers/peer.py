"""Vectorization Lab's Python peers: the lab's experiment run by NumPy or JAX.

The lab (compute/peers/) starts this file in a child process to measure
NumPy and JAX beside its own strategies, on the same grid, dtype and formula,
timed by the lab's rules (compute/strategies/timing.ts): one first call apart
(JAX compiles in it), then warm calls, at least `repeats`, more while less
than `minTimedMs` has been timed (as timeit's autorange), at most
`maxTimedCalls`; JAX results are waited for with block_until_ready.

    python3 peer.py probe      one JSON line: the Python and package versions
    python3 peer.py run        a JSON request on stdin; on stdout one JSON line
                               (the timings), then the grid's raw bytes (C order)

(The lab passes this text with python3 -c, so that it runs from a packaged app too.)

The request's `source` is `def f(x, y): ...` as the lab renders it from the
parsed formula (compute/classroom/jax.ts): names from a fixed table, numbers
and x, y only, never the user's text.
"""

import importlib.util
import json
import os
import platform
import sys
import time
import traceback

PACKAGES = ("numpy", "jax", "jaxlib")


def probe():
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "executable": sys.executable, "cpus": os.cpu_count()}
    for name in PACKAGES:
        try:
            found[name] = version(name) if importlib.util.find_spec(name) else None
        except PackageNotFoundError:
            found[name] = None
    return found


def grid_axis(np, n, dtype, start, stop):
    """The lab's linspace (compute/core/creation.ts): start + i * step in float64, the last point exactly stop."""
    step = (stop - start) / (n - 1) if n > 1 else 0.0
    axis = np.arange(n, dtype=np.float64) * step + start
    if n > 1:
        axis[-1] = stop
    return axis.astype(dtype)


def timed_calls(call, finish, request):
    """The first call, then warm calls by the lab's autorange; every result but the last is freed before the next call."""
    start = time.perf_counter()
    z = finish(call())
    first_ms = (time.perf_counter() - start) * 1e3
    repeats, min_ms, max_calls = request["repeats"], request["minTimedMs"], request["maxTimedCalls"]
    repeat_ms = []
    cpu_start = time.process_time()
    while len(repeat_ms) < repeats or (repeats > 0 and len(repeat_ms) < max_calls and sum(repeat_ms) < min_ms):
        del z
        start = time.perf_counter()
        z = finish(call())
        repeat_ms.append((time.perf_counter() - start) * 1e3)
    # CPU time over wall time: about 1 on one thread, more where the library spread the work over cores.
    cores_busy = (time.process_time() - cpu_start) * 1e3 / sum(repeat_ms) if repeat_ms else float("nan")
    return z, first_ms, repeat_ms, cores_busy


def busy_note(cores_busy):
    return f"CPU time / wall time of the warm calls {cores_busy:.2f}" if cores_busy == cores_busy else "no warm calls"


def grid_axes(np, request, dtype):
    """x (nx points over xRange) and y (ny points over yRange); n and gridRange are the square grid's shorthand."""
    nx, ny = request.get("nx", request["n"]), request.get("ny", request["n"])
    x_range, y_range = request.get("xRange", request["gridRange"]), request.get("yRange", request["gridRange"])
    return grid_axis(np, nx, dtype, *x_range), grid_axis(np, ny, dtype, *y_range)


def answer(xp, mode, z):
    """A number from the grid, as the lab's --reduce: (value, flat index of the extreme, or -1)."""
    if mode in ("max", "min"):
        return getattr(xp, mode)(z), getattr(xp, "arg" + mode)(z)
    return (xp.sum(z) if mode == "sum" else xp.mean(z)), -1


def jax_answer(jax, jnp, np, f_rows, x_host, y_host, mode, peer, request):
    """jax-vmap: the reduction fused under jit; jax-pmap: each device reduces its rows, then lax.pmax/pmin/psum."""
    nx, ny = len(x_host), len(y_host)
    if peer == "jax-vmap":
        fused = jax.jit(lambda x, y: answer(jnp, mode, f_rows(x, y)))
        x, y = jnp.asarray(x_host), jnp.asarray(y_host)
        z, first_ms, repeat_ms, cores_busy = timed_calls(lambda: fused(x, y), jax.block_until_ready, request)
        return np.asarray([float(z[0]), float(z[1])]), first_ms, repeat_ms, cores_busy, 1
    used = len(jax.devices())
    rows = -(-nx // used)
    identity = {"max": -np.inf, "min": np.inf}.get(mode, 0)
    collective = {"max": jax.lax.pmax, "min": jax.lax.pmin}.get(mode, jax.lax.psum)

    def per_device(xb, y):
        valid = (jax.lax.axis_index("d") * rows + jnp.arange(rows)) < nx
        z = jnp.where(valid[:, None], f_rows(xb, y), identity)
        local = jnp.sum(z) if mode in ("sum", "mean") else getattr(jnp, mode)(z)
        where = getattr(jnp, "arg" + mode)(z) if mode in ("max", "min") else -1
        return collective(local, "d"), local, where

    f_pmap = jax.pmap(per_device, axis_name="d", in_axes=(0, None))
    x_blocks = jnp.asarray(np.pad(x_host, (0, used * rows - nx), mode="edge").reshape(used, rows))
    y = jnp.asarray(y_host)
    out, first_ms, repeat_ms, cores_busy = timed_calls(lambda: f_pmap(x_blocks, y), jax.block_until_ready, request)
    total, local, where = (np.asarray(a) for a in out)
    value = float(total[0]) / (nx * ny if mode == "mean" else 1)
    index = -1
    if mode in ("max", "min"):
        device = next((k for k, v in enumerate(local) if v == total[0] or (v != v and total[0] != total[0])), 0)
        index = device * rows * ny + int(where[device])
    return np.asarray([value, float(index)]), first_ms, repeat_ms, cores_busy, used


def run_numpy(request, f_source):
    import numpy as np
    import tracemalloc

    np.seterr(all="ignore")  # inf and nan are results here, as in the lab
    dtype = np.dtype(request["dtype"])
    namespace = {"np": np}
    exec(f_source, namespace)
    f = namespace["f"]

    def inputs():
        x, y = grid_axes(np, request, dtype)
        # The seed's meshgrid f; indexing="ij" gives z[i, j] = f(x[i], y[j]) as the lab's grid.
        return np.meshgrid(x, y, indexing="ij")

    x_mesh, y_mesh = inputs()
    mode = request.get("reduce", "grid")
    # Meshes are made before the timed calls, as the lab's meshgrid-eager makes them; a number: the grid, then reduced.
    call = (lambda: f(x_mesh, y_mesh)) if mode == "grid" else (lambda: answer(np, mode, f(x_mesh, y_mesh)))
    z, first_ms, repeat_ms, cores_busy = timed_calls(call, lambda z: z, request)
    if mode != "grid":
        z = np.asarray([float(z[0]), float(z[1])], dtype=np.float64)
    del z, x_mesh, y_mesh
    # One more call, untimed, under tracemalloc (NumPy reports its buffers to it): inputs, meshes, temporaries, result.
    tracemalloc.start()
    x_mesh, y_mesh = inputs()
    z = np.asarray(f(x_mesh, y_mesh), dtype=dtype) if mode == "grid" else answer(np, mode, f(x_mesh, y_mesh))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if mode != "grid":
        z = np.asarray([float(z[0]), float(z[1])], dtype=np.float64)
    return z, {
        "firstMs": first_ms,
        "repeatMs": repeat_ms,
        "peakBytes": peak,
        "devices": 1,
        "deviceName": f"{platform.processor() or platform.machine()} (NumPy, one thread)",
        "note": f"meshes made before the timed calls, as in meshgrid-eager; peak from tracemalloc over one more call; {busy_note(cores_busy)}",
    }


def run_jax(request, f_source, peer):
    if request["dtype"] == "float64":
        os.environ["JAX_ENABLE_X64"] = "1"
    import numpy as np
    import jax
    import jax.numpy as jnp

    if request["dtype"] == "float64":
        jax.config.update("jax_enable_x64", True)  # JAX computes in float32 unless asked
    dtype = np.dtype(request["dtype"])
    namespace = {"jnp": jnp}
    exec(f_source, namespace)
    f = namespace["f"]
    x_host, y_host = grid_axes(np, request, dtype)
    nx, ny = len(x_host), len(y_host)
    f_rows = jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))
    devices = jax.devices()
    mode = request.get("reduce", "grid")
    if mode != "grid":
        grid, first_ms, repeat_ms, cores_busy, used = jax_answer(jax, jnp, np, f_rows, x_host, y_host, mode, peer, request)
    elif peer == "jax-vmap":
        f_vec = jax.jit(f_rows)
        x = jax.device_put(x_host, devices[0])
        y = jax.device_put(y_host, devices[0])
        z, first_ms, repeat_ms, cores_busy = timed_calls(lambda: f_vec(x, y), jax.block_until_ready, request)
        grid = np.asarray(z)
        used = 1
    else:
        # pmap maps the leading axis over devices: the rows go in d blocks, x padded with its last value.
        used = len(devices)
        rows = -(-nx // used)
        x_blocks = jnp.asarray(np.pad(x_host, (0, used * rows - nx), mode="edge").reshape(used, rows))
        y = jnp.asarray(y_host)
        f_pmap = jax.pmap(f_rows, in_axes=(0, None))
        z, first_ms, repeat_ms, cores_busy = timed_calls(lambda: f_pmap(x_blocks, y), jax.block_until_ready, request)
        grid = np.asarray(z).reshape(used * rows, ny)[:nx]
    if mode == "grid" and grid.dtype != dtype:
        raise TypeError(f"JAX computed in {grid.dtype}, not {dtype}")
    device = devices[0]
    return grid, {
        "firstMs": first_ms,
        "repeatMs": repeat_ms,
        "devices": used,
        "deviceName": f"{platform.processor() or platform.machine()} (JAX {device.platform}, {used} device{'s' if used > 1 else ''})",
        "note": f"peak memory not measured: JAX's allocator is not visible to tracemalloc; {busy_note(cores_busy)}",
    }


def run(request):
    peer = request["peer"]
    if peer == "numpy":
        grid, result = run_numpy(request, request["source"]["np"])
    elif peer in ("jax-vmap", "jax-pmap"):
        grid, result = run_jax(request, request["source"]["jnp"], peer)
    else:
        raise ValueError(f"unknown peer {peer!r}")
    import numpy as np

    grid = np.ascontiguousarray(grid)
    result.update({"shape": list(grid.shape), "dtype": str(grid.dtype), "versions": probe()})
    out = sys.stdout.buffer
    out.write((json.dumps(result) + "\n").encode())
    out.write(memoryview(grid).cast("B"))
    out.flush()


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "probe":
        print(json.dumps(probe()))
        return 0
    if mode != "run":
        print("usage: peer.py probe | run < request.json", file=sys.stderr)
        return 2
    try:
        run(json.loads(sys.stdin.read()))
        return 0
    except Exception as error:  # the lab shows this message: one line, with its type
        traceback.print_exc(file=sys.stderr)
        sys.stdout.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
