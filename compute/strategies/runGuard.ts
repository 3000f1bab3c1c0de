// The memory guard of one run: the bytes a strategy will hold on its grid, against what the machine may give,
// refused (MemoryGuardError, with the numbers and what to change) before anything is allocated. For shells that warn
// before a run (guardRequest, guardChecked) and for the run itself (guardResolved).

import { type DType, itemSize } from '../core/dtype.js';
import { checkMemory, memoryCap } from './memoryGuard.js';
import { ANSWER_BYTES, FUSED_TO_A_NUMBER, isAnswer } from './answer.js';
import { checkRunRequest } from './requestSchema.js';
import { resolve, type ResolvedRequest } from './resolve.js';
import type { CheckedRunRequest } from './checkedRequest.js';
import type { RunRequest } from './types.js';

/** What the user can change when a run does not fit, in the guard's words. */
function memoryAdvice(strategy: string, dtype: DType): string {
  const options = ['a smaller grid'];
  if (dtype === 'float64') options.push('float32');
  if (strategy === 'meshgrid' || strategy === 'meshgrid-eager') options.push('a strategy without meshes (vmap)');
  return `use ${options.length > 1 ? options.slice(0, -1).join(', ') + ' or ' + options.at(-1) : options[0]}`;
}

/** The guard alone, for a request from the API or the CLI: checked here. Throws MemoryGuardError. */
export function guardRequest(request: RunRequest): { predictedBytes: number } {
  return guardChecked(checkRunRequest(request));
}

/** The guard alone, for a request checked where it entered (the app's). Throws MemoryGuardError. */
export function guardChecked(request: CheckedRunRequest): { predictedBytes: number } {
  return guardResolved(resolve(request));
}

/** The guard on a request resolved already: runChecked resolves once, and compiles the formula once. */
export function guardResolved({ strategy, grid, dtype, formula, memoryCapBytes, reduce }: ResolvedRequest): {
  predictedBytes: number;
} {
  const { nx, ny } = grid;
  // What a strategy really holds: to a number, the fused ones (and the loop) hold no grid; the others reduce theirs.
  const fused = isAnswer(reduce) && FUSED_TO_A_NUMBER.includes(strategy.name);
  const predictedBytes =
    strategy.predictBytes(grid, dtype, formula, reduce) + (isAnswer(reduce) && !fused ? ANSWER_BYTES : 0);
  const noGrid = strategy.name === 'naive' || fused;
  checkMemory(`${strategy.name} at ${nx === ny ? `n = ${nx}` : `${nx} × ${ny}`} (${dtype})`, {
    predictedBytes,
    largestBufferBytes: (noGrid ? Math.max(nx, ny) : nx * ny) * itemSize(dtype),
    capBytes: memoryCap(memoryCapBytes),
    advice: memoryAdvice(strategy.name, dtype),
  });
  return { predictedBytes };
}
