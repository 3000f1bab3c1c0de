// The peer strategies: the lab's experiment run by the real thing, where a
// Python with NumPy (and JAX) is found, so that the lab measures itself
// against NumPy and JAX on the user's machine.
//   numpy     the seed's meshgrid f, op by op (meshgrid-eager's peer)
//   jax-vmap  jax.jit of the nested vmap (vmap's peer), on the CPU
//   jax-pmap  jax.pmap over one host device per core (pmap's peer)
// Each runs in a child process (runPeer.ts) and its grid is checked against
// the lab's float64 reference by the same runner as every other strategy.

import { availableParallelism } from 'node:os';
import { itemSize, type DType } from '../core/dtype.js';
import type { CompiledFormula } from '../formula/index.js';
import { meshgridEagerStrategy } from '../strategies/meshgridEager.js';
import type { Strategy, StrategyOutcome } from '../strategies/strategy.js';
import type { GridSpec, PeerStrategyName } from '../strategies/types.js';
import { peerProgram, peerStatus, peerVersions, probePython } from './python.js';
import { PeerError, runPeer } from './runPeer.js';
import { isAnswer } from '../strategies/answer.js';

/** Who ran it, for the UI's "run by NumPy / JAX" mark. */
export const PEER_RUNNER: Record<PeerStrategyName, 'NumPy' | 'JAX'> = {
  numpy: 'NumPy',
  'jax-vmap': 'JAX',
  'jax-pmap': 'JAX',
};

const DESCRIPTIONS: Record<PeerStrategyName, string> = {
  numpy:
    'run by NumPy (Python child process): X, Y = np.meshgrid(x, y, indexing="ij"); f(X, Y), one temporary per ' +
    'operation',
  'jax-vmap':
    'run by JAX on the CPU (Python child process): jax.jit(vmap(vmap(f, in_axes=(None, 0)), in_axes=(0, None)))',
  'jax-pmap':
    'run by JAX on the CPU (Python child process): jax.pmap over one host device per core ' +
    '(--xla_force_host_platform_device_count)',
};

/** Bytes on the Python side at the peak, from shapes; the runner's copy of the grid in the lab comes on top. */
function pythonSideBytes(peer: PeerStrategyName, grid: GridSpec, dtype: DType, formula: CompiledFormula): number {
  // NumPy holds what meshgrid-eager holds: two meshes, the flat axes and the temporaries alive at once.
  if (peer === 'numpy') return meshgridEagerStrategy.predictBytes(grid, dtype, formula);
  // The result, its host copy, and the flat inputs.
  return (2 * grid.nx * grid.ny + grid.nx + grid.ny) * itemSize(dtype);
}

function peerStrategy(peer: PeerStrategyName): Strategy {
  return {
    name: peer,
    description: DESCRIPTIONS[peer],
    takesBackend: false,
    needs: 'python',
    availability: () => peerStatus(peer),
    predictBytes: (grid, dtype, formula, reduce) => {
      // To a number, JAX fuses (no grid); NumPy still makes its meshes and temporaries, and the lab receives two
      // numbers.
      if (isAnswer(reduce))
        return peer === 'numpy'
          ? pythonSideBytes(peer, grid, dtype, formula)
          : 2 * (grid.nx + grid.ny) * itemSize(dtype);
      return pythonSideBytes(peer, grid, dtype, formula) + grid.nx * grid.ny * itemSize(dtype);
    },
    async run(context): Promise<StrategyOutcome> {
      const probe = await probePython();
      const status = peerStatus(peer, probe);
      const program = peerProgram();
      if (!status.available || !probe.ok || !program)
        throw new PeerError(`${peer} is unavailable: ${status.available ? 'peer.py is missing' : status.reason}`);
      context.progress('first', 0);
      const devices = peer === 'jax-pmap' ? context.devices || availableParallelism() : 1;
      const { grid, timings } = await runPeer({
        peer,
        python: probe.python,
        program,
        grid: context.grid,
        dtype: context.dtype,
        formula: context.formula.text,
        repeats: context.repeats,
        devices,
        ...(context.reduce ? { reduce: context.reduce } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      context.progress('repeat', 1);
      return {
        grid,
        firstMs: timings.firstMs,
        repeatMs: timings.repeatMs,
        // NumPy and JAX allocate every result afresh (the lab's strategies recycle theirs): that cost is theirs.
        outputBuffer: 'fresh',
        devices: timings.devices,
        deviceName: timings.deviceName,
        note: `${timings.note}; every call allocates its result, as ${PEER_RUNNER[peer]} does`,
        backend: 'python',
        peakBytes: timings.peakBytes ?? null,
        peerVersions: peerVersions(peer, { ...probe.versions, ...timings.versions }),
      };
    },
  };
}

export const PEER_STRATEGIES: readonly Strategy[] = (['numpy', 'jax-vmap', 'jax-pmap'] as const).map(peerStrategy);
