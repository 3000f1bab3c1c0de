// Evaluates a graph by binding each equation again: on concrete arrays that
// runs op by op (freeing each temporary after its last use, as NumPy's
// reference counting does); on tracers it inlines the graph into the
// enclosing trace. This is how vmap's batched graph meets its arguments.

import type { Atom, Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import { bind } from '../ops.js';
import { type EagerBackend, evalEagerAsync } from '../backends/eager.js';
import type { RunControl } from '../backends/backend.js';
import { throwIfCancelled } from '../backends/backend.js';

/** An environment of values by variable id that frees each temporary after its last use. */
function environment(graph: Graph, args: readonly Value[]) {
  if (args.length !== graph.inputs.length) {
    throw new Error(`graph takes ${graph.inputs.length} inputs, got ${args.length}`);
  }
  const env = new Map<number, Value>();
  graph.inputs.forEach((v, i) => env.set(v.id, args[i]!));
  const lastUse = new Map<number, number>();
  graph.equations.forEach((eqn, i) => eqn.inputs.forEach((a) => a.kind === 'var' && lastUse.set(a.id, i)));
  const keep = new Set<number>([
    ...graph.inputs.map((v) => v.id),
    ...graph.outputs.flatMap((a) => (a.kind === 'var' ? [a.id] : [])),
  ]);
  const read = (atom: Atom): Value => (atom.kind === 'literal' ? atom.value : env.get(atom.id)!);
  return {
    read,
    set: (id: number, value: Value) => env.set(id, value),
    /** After equation i: drop the temporaries it was the last to read. */
    release(i: number) {
      for (const a of graph.equations[i]!.inputs) {
        if (a.kind !== 'var' || keep.has(a.id) || lastUse.get(a.id) !== i) continue;
        const value = env.get(a.id);
        if (value instanceof NDArray) value.dispose();
        env.delete(a.id);
      }
    },
    /** On failure: free every temporary still held. */
    releaseAll() {
      for (const [id, value] of env) if (!keep.has(id) && value instanceof NDArray) value.dispose();
      env.clear();
    },
  };
}

export function evalGraph(graph: Graph, args: readonly Value[]): Value[] {
  const env = environment(graph, args);
  graph.equations.forEach((eqn, i) => {
    env.set(eqn.out.id, bind(eqn.primitive, eqn.inputs.map(env.read), eqn.params));
    env.release(i);
  });
  return graph.outputs.map(env.read);
}

/**
 * Op by op on concrete arrays, each operation its own loop on `backend`, cancellable (the eager strategy at large n).
 */
export async function evalGraphEagerAsync(
  graph: Graph,
  args: readonly NDArray[],
  control: RunControl = {},
  backend: EagerBackend = 'js',
): Promise<Value[]> {
  const env = environment(graph, args);
  try {
    for (let i = 0; i < graph.equations.length; i++) {
      throwIfCancelled(control.signal);
      const eqn = graph.equations[i]!;
      const inputs = eqn.inputs.map(env.read) as (NDArray | number)[];
      env.set(
        eqn.out.id,
        await evalEagerAsync(
          eqn.primitive,
          inputs,
          eqn.params,
          { ...(control.signal ? { signal: control.signal } : {}) },
          backend,
        ),
      );
      env.release(i);
    }
    return graph.outputs.map(env.read);
  } catch (error) {
    env.releaseAll();
    throw error;
  }
}
