// jit: trace once per input signature (shapes, dtypes, which axes are
// broadcast, backend), compile with the chosen backend, cache, run. Called
// with tracers (inside another transformation) it simply inlines the function.

import type { DType } from '../core/dtype.js';
import { type Graph, printGraph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { type TracedFunction, type Value, isTracer, traceFunction } from '../core/trace.js';
import type { BackendName, Executable, RunControl } from '../backends/backend.js';
import { zeroStrideAxes } from '../backends/fuse.js';
import { getBackend } from '../backends/registry.js';
import { compileGraph } from '../backends/staged.js';

export interface JitOptions {
  /** Which backend compiles the graph (default 'js'). */
  backend?: BackendName;
}

export type Traceable = (...args: Value[]) => Value | Value[];
export type ArrayResult = NDArray | NDArray[];

export interface JittedFunction {
  /** Runs synchronously (backends that can); returns one array or a list, as the function does. */
  (...args: (NDArray | number)[]): ArrayResult;
  /** Called on tracers (inside vmap or an outer jit): inlined into the caller's graph. */
  (...args: Value[]): Value | Value[];
  /** Runs on any backend, cancellable, with progress. */
  run(args: readonly (NDArray | number)[], control?: RunControl): Promise<ArrayResult>;
  /** The traced graph for these arguments (compiling it if needed). */
  lower(...args: (NDArray | number)[]): { graph: Graph; text: string; executable: Executable };
  readonly backend: BackendName;
  /** Number of compiled signatures (a cache hit does not add one). */
  readonly cacheSize: number;
}

interface Compiled {
  traced: TracedFunction;
  executable: Executable;
  consts: NDArray[];
}

export function jit(fn: Traceable, options: JitOptions = {}): JittedFunction {
  const backendName = options.backend ?? 'js';
  const cache = new Map<string, Compiled>();

  const compile = (
    args: readonly (NDArray | number)[],
  ): { compiled: Compiled; inputs: NDArray[]; wrapped: NDArray[] } => {
    const wrapped: NDArray[] = [];
    let inputs = args as NDArray[];
    if (!args.every((a) => a instanceof NDArray)) {
      const weakDtype = weakDtypeOf(args);
      inputs = args.map((a) => {
        if (a instanceof NDArray) return a;
        if (typeof a !== 'number') throw new TypeError(`jit arguments must be arrays or numbers, got ${typeof a}`);
        const scalar = NDArray.scalar(a, weakDtype);
        wrapped.push(scalar);
        return scalar;
      });
    }
    const key = signatureKey(inputs);
    let compiled = cache.get(key);
    if (!compiled) {
      const backend = getBackend(backendName);
      const traced = traceFunction(
        fn,
        inputs.map((a) => ({ shape: a.shape, dtype: a.dtype })),
      );
      const consts = traced.consts.map((c) => {
        if (isTracer(c))
          throw new Error(
            'jit: the function closes over a value being traced by an outer transformation; pass it as an argument',
          );
        return c;
      });
      const zeroStrides = [...consts, ...inputs].map(zeroStrideAxes);
      compiled = { traced, consts, executable: compileGraph(backend, traced.graph, { zeroStrides }) };
      cache.set(key, compiled);
    }
    return { compiled, inputs: compiled.consts.length ? [...compiled.consts, ...inputs] : inputs, wrapped };
  };

  const shape = (compiled: Compiled, outs: NDArray[]): ArrayResult => (compiled.traced.single ? outs[0]! : outs);

  const jitted = ((...args: (NDArray | number)[]): ArrayResult | Value | Value[] => {
    for (const a of args) if (isTracer(a)) return fn(...(args as Value[]));
    const { compiled, inputs, wrapped } = compile(args);
    const runSync = compiled.executable.runSync;
    if (!runSync) throw new Error(`the ${backendName} backend runs asynchronously: use await f.run([...args])`);
    if (wrapped.length === 0) return shape(compiled, runSync(inputs));
    try {
      return shape(compiled, runSync(inputs));
    } finally {
      for (const w of wrapped) w.dispose();
    }
  }) as JittedFunction;

  jitted.run = async (args, control) => {
    const { compiled, inputs, wrapped } = compile(args);
    try {
      return shape(compiled, await compiled.executable.run(inputs, control));
    } finally {
      for (const w of wrapped) w.dispose();
    }
  };
  jitted.lower = (...args) => {
    const { compiled, wrapped } = compile(args);
    for (const w of wrapped) w.dispose();
    return { graph: compiled.traced.graph, text: printGraph(compiled.traced.graph), executable: compiled.executable };
  };
  Object.defineProperty(jitted, 'backend', { value: backendName });
  Object.defineProperty(jitted, 'cacheSize', { get: () => cache.size });
  return jitted;
}

/** Numbers passed to jit are weakly typed: they take the arrays' dtype (float32 when there is none). */
function weakDtypeOf(args: readonly (NDArray | number)[]): DType {
  let dtype: DType | null = null;
  for (const a of args)
    if (a instanceof NDArray) dtype = dtype === 'float64' || a.dtype === 'float64' ? 'float64' : a.dtype;
  return dtype ?? 'float32';
}

function signatureKey(inputs: readonly NDArray[]): string {
  let key = '';
  for (const a of inputs) key += `${a.signatureKey};`;
  return key;
}
