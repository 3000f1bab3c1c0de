// make_jaxpr: the graph a function traces to at the given arguments' shapes,
// for printing (the UI's "what the engine sees" panel and the lesson).

import type { Graph } from '../core/graph.js';
import type { NDArray } from '../core/ndarray.js';
import { traceFunction } from '../core/trace.js';
import type { Traceable } from './jit.js';

export function makeJaxpr(
  fn: Traceable,
): (...args: (NDArray | { shape: readonly number[]; dtype: NDArray['dtype'] })[]) => Graph {
  return (...args) =>
    traceFunction(
      fn,
      args.map((a) => ({ shape: [...a.shape], dtype: a.dtype })),
    ).graph;
}
