// "Take it to JAX" as a shell asks for it (the app's JAX panel and its Save,
// `vlab jax`): the program that matches the lab's output. The grid's output
// gets one strategy's program (jax.ts); a number's gets the reduction program
// (every strategy of the reduction in one file, jaxReduce.ts) or, asked for,
// the multi-process cluster program. One choice, made here for every shell.
// Everything here produces text; nothing here runs Python.

import { jaxFileName, jaxProgram, type PythonProgramRequest } from './jax.js';
import { jaxClusterProgram, jaxReduceProgram } from './jaxReduce.js';
import { isAnswer } from '../strategies/answer.js';
import type { LabStrategyName, ReduceMode } from '../strategies/types.js';

export interface JaxExportRequest extends Omit<PythonProgramRequest, 'strategy'> {
  /** The strategy whose program is written: the grid's output only (a reduction's program writes every one). */
  strategy?: LabStrategyName;
  /** The lab's output: absent or 'grid', one strategy's program; max, min, sum or mean, the reduction program. */
  reduce?: ReduceMode;
  /** With a number output: the multi-process program (jax.distributed.initialize, rows over the global mesh). */
  cluster?: boolean;
}

export interface JaxExport {
  text: string;
  fileName: string;
}

/** A request that does not name a program: a strategy and a reduction together, or neither. */
export class JaxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JaxExportError';
  }
}

function gridName(request: Pick<JaxExportRequest, 'n' | 'nx' | 'ny'>): string {
  const nx = request.nx ?? request.n;
  const ny = request.ny ?? request.n;
  return nx === ny ? `n${nx}` : `${nx}x${ny}`;
}

/** The program for the request, with the file name it is saved under. Throws FormulaError for a bad formula. */
export function jaxExport(request: JaxExportRequest): JaxExport {
  const { strategy, reduce, cluster, ...grid } = request;
  if (isAnswer(reduce)) {
    if (strategy !== undefined)
      throw new JaxExportError(
        `the ${reduce} program writes every strategy of the reduction in one file: leave out the strategy`,
      );
    const reduceRequest = { ...grid, reduce };
    return cluster
      ? { text: jaxClusterProgram(reduceRequest), fileName: `vlab_${reduce}_cluster_${gridName(grid)}.py` }
      : { text: jaxReduceProgram(reduceRequest), fileName: `vlab_${reduce}_${gridName(grid)}.py` };
  }
  if (cluster)
    throw new JaxExportError('the cluster program is a reduction: it needs a number output (max, min, sum or mean)');
  if (strategy === undefined) throw new JaxExportError("the grid's program is one strategy's: name the strategy");
  const programRequest = { ...grid, strategy };
  return { text: jaxProgram(programRequest), fileName: jaxFileName(programRequest) };
}
