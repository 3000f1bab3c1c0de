// Evaluates a graph by binding each equation again: on concrete arrays that
// runs op by op (freeing each temporary after its last use, as NumPy's
// reference counting does); on tracers it inlines the graph into the
// enclosing trace. This is how vmap's batched graph meets its arguments.

import type { Atom, Graph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import { bind } from '../ops.js';

export function evalGraph(graph: Graph, args: readonly Value[]): Value[] {
  if (args.length !== graph.inputs.length) {
    throw new Error(`graph takes ${graph.inputs.length} inputs, got ${args.length}`);
  }
  const env = new Map<number, Value>();
  graph.inputs.forEach((v, i) => env.set(v.id, args[i]!));
  const read = (atom: Atom): Value => (atom.kind === 'literal' ? atom.value : env.get(atom.id)!);

  const lastUse = new Map<number, number>();
  graph.equations.forEach((eqn, i) => eqn.inputs.forEach((a) => a.kind === 'var' && lastUse.set(a.id, i)));
  const keep = new Set<number>([...graph.inputs.map((v) => v.id), ...graph.outputs.flatMap((a) => (a.kind === 'var' ? [a.id] : []))]);

  graph.equations.forEach((eqn, i) => {
    env.set(eqn.out.id, bind(eqn.primitive, eqn.inputs.map(read), eqn.params));
    for (const a of eqn.inputs) {
      if (a.kind !== 'var' || keep.has(a.id) || lastUse.get(a.id) !== i) continue;
      const value = env.get(a.id);
      if (value instanceof NDArray) value.dispose();
      env.delete(a.id);
    }
  });
  return graph.outputs.map(read);
}
