// The lesson's GPU step: the vmap program, unchanged, compiled to one WGSL
// kernel and run on the GPU adapter. x and y go up flat (n values each), the
// kernel reads them by index, and only the nx × ny result comes back. The record
// splits the time into upload, kernel and read-back, names the adapter, and
// compares the kernel with the GPU's own floor: the time it takes merely to
// write n² float32 values. To a number (max, min, sum, mean), the map and its
// reduction are one fused kernel in two passes (wgslReduce.ts): the grid is
// never stored, on the GPU or here, and only the result comes back. GPUs
// compute in float32 here; a float64 request is answered in float32 and the
// record says so.

import type { Device, Executable } from '../backends/backend.js';
import { backendStatus, getBackend } from '../backends/registry.js';
import type { NDArray } from '../core/ndarray.js';
import { jit } from '../transforms/jit.js';
import { GPU_DTYPE, type WebGpuExecutable } from '../backends/webgpu.js';
import { wgslNumericsNotes } from '../backends/wgsl.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import type { Strategy } from './strategy.js';
import { timeCalls } from './timing.js';
import { ANSWER_BYTES, answerFunction, isAnswer, packAnswer } from './answer.js';

/** Repeats of the write-floor kernel the note compares against. */
const FLOOR_REPEATS = 3;

export const gpuStrategy: Strategy = {
  name: 'gpu',
  description:
    'the vmap program compiled to one WGSL compute shader on the GPU: x and y uploaded flat, read by index; float32',
  takesBackend: false,
  needs: 'webgpu',
  availability: () => backendStatus('webgpu'),
  // x and y in the dtype asked for (the backend converts them on upload), the result in float32; to a number, no grid.
  predictBytes: ({ nx, ny }, dtype, _formula, reduce) =>
    (isAnswer(reduce) ? ANSWER_BYTES : nx * ny * 4) + (nx + ny) * (dtype === 'float64' ? 8 : 4),
  async run(context) {
    const backend = getBackend('webgpu');
    const mode = context.reduce;
    // Measured first, while none of the run's arrays are live, so it adds nothing to the peak. Not to a number:
    // the floor writes the grid on the GPU, which a fused reduction never holds.
    const floor =
      backend.measureWriteFloor && !isAnswer(mode)
        ? await backend.measureWriteFloor(context.grid.nx * context.grid.ny, GPU_DTYPE, FLOOR_REPEATS, context.signal)
        : null;
    const grid = gridOverAxes(gridFunction(context.formula));
    const fVec = isAnswer(mode)
      ? jit(answerFunction(grid, mode), { backend: 'webgpu' })
      : jit(grid, { backend: 'webgpu' });
    const [x, y] = gridAxes(context.grid, context.dtype);
    try {
      // A run to a number can take long (the grid's limit is time): its progress is the kernel's.
      const control = {
        ...(context.signal ? { signal: context.signal } : {}),
        ...(isAnswer(mode) ? { onProgress: (f: number) => context.progress('first', f) } : {}),
      };
      const executable = fVec.lower(x, y).executable;
      const timed = await timeCalls(
        { ...context, fused: isAnswer(mode) },
        async () => {
          const outputs = (await fVec.run([x, y], control)) as NDArray | NDArray[];
          return Array.isArray(outputs) ? packAnswer(outputs) : outputs;
        },
        () => executable.lastTimings?.(),
      );
      const notes: string[] = [];
      if (isAnswer(mode)) notes.push(reductionNote(executable));
      if (context.dtype !== GPU_DTYPE)
        notes.push(`WGSL has no float64: computed in float32 on the GPU, so the error is float32's`);
      const numerics = wgslNumericsNotes(executable.graph.equations.map((e) => e.primitive));
      if (numerics.length) notes.push(`on the GPU: ${numerics.join('; ')}`);
      const kernels = (timed.timings ?? [])
        .map((t) => t.kernelMs)
        .filter((ms): ms is number => ms !== undefined)
        .sort((a, b) => a - b);
      if (floor && kernels.length) {
        const kernelMs = kernels[kernels.length >> 1]!;
        const clock =
          (executable as WebGpuExecutable).lastPlan().kernelClock === 'timestamps'
            ? 'GPU timestamps'
            : 'fences (no timestamp queries on this adapter)';
        notes.push(
          `kernel ${kernelMs.toFixed(2)} ms by ${clock}; writing nx·ny float32 on this GPU takes ` +
            `${floor.ms.toFixed(2)} ms (kernel/floor ${(kernelMs / floor.ms).toFixed(2)}×)`,
        );
      }
      return {
        ...timed,
        backend: 'webgpu',
        deviceName: deviceName(backend.devices()[0]),
        ...(context.dtype !== GPU_DTYPE ? { computedDtype: GPU_DTYPE } : {}),
        ...(notes.length ? { note: notes.join('; ') } : {}),
      };
    } finally {
      x.dispose();
      y.dispose();
    }
  },
};

/**
 * What the note says of a fused reduction: two passes on the GPU, and the
 * partials it held there. A mean is a sum, then a division in a second stage,
 * whose executable does not say how the stages dispatched.
 */
function reductionNote(executable: Executable): string {
  const plan = 'lastPlan' in executable ? (executable as WebGpuExecutable).lastPlan() : null;
  const held = plan ? `: the partials, ${plan.partialBytes} bytes on the GPU,` : '';
  return (
    'reduced on the GPU in two passes (each workgroup folds its share of the grid into one partial, ' +
    `one workgroup reduces the partials)${held} and the grid was never stored`
  );
}

function deviceName(device: Device | undefined): string {
  if (!device) return 'unknown GPU';
  return `${device.name}${device.software ? ' (software)' : ''}`;
}
