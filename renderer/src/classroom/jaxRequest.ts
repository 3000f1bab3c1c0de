// What the JAX panel asks the engine to write, from the lab's settings: for
// the grid's output, the chosen strategy's program; for a number (max, min,
// sum, mean), the reduction program — every strategy of the reduction in one
// file, as `vlab jax --reduce` writes it — or, asked for, the cluster program.
// Pure: settings in, the request out (the engine chooses the program: compute/classroom/jaxExport.ts).

import type { GridSettings, JaxExportRequest, LabStrategyName, ReduceMode } from '../../../main/contract';
import { isNumberOutput } from '../lib/output';

export function jaxExportRequestOf(
  grid: GridSettings,
  reduce: ReduceMode | undefined,
  choice: { strategy: LabStrategyName; cluster: boolean },
): JaxExportRequest {
  const { formula, nx, ny, xRange, yRange, dtype } = grid;
  const common = { formula, nx, ny, xRange, yRange, dtype };
  return isNumberOutput(reduce)
    ? { ...common, reduce, ...(choice.cluster ? { cluster: true } : {}) }
    : { ...common, strategy: choice.strategy };
}
