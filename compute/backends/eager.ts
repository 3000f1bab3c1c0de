// Op-by-op evaluation on concrete arrays, as NumPy (and JAX outside jit) does:
// each elementwise primitive allocates its result (from the allocator, so the
// peak is counted), computed by a one-equation graph compiled once per
// signature — on the JS backend, or on the native one, where each operation
// is one native loop over its operands, as a NumPy ufunc is. Never fuses two
// operations. Structural primitives return views. This is what the
// meshgrid-eager strategy measures.

import type { Literal, Var } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import type { AnyParams, Primitive, PrimitiveParams } from '../core/primitives.js';
import { GraphBuilder } from '../core/trace.js';
import type { BackendName, Executable, RunControl } from './backend.js';
import { zeroStrideAxes } from './fuse.js';
import { jsBackend } from './js.js';
import { getBackend } from './registry.js';

/** The backends that evaluate op by op on the CPU: each operation one loop over its operands. */
export type EagerBackend = Extract<BackendName, 'js' | 'native'>;

const CACHE_LIMIT = 512;
const cache = new Map<string, Executable>();

export function evalEager(primitive: Primitive, args: readonly (NDArray | number)[], params: AnyParams): NDArray {
  return (
    structuralView(primitive, args, params) ??
    eagerExecutable(primitive, args, params, 'js').runSync!(arrayArgs(args))[0]!
  );
}

/**
 * The same, run in slices that yield to the event loop and honour cancellation:
 * at n = 6000 one operation takes a noticeable time, and a cancel must not wait for it.
 */
export async function evalEagerAsync(
  primitive: Primitive,
  args: readonly (NDArray | number)[],
  params: AnyParams,
  control: RunControl = {},
  backend: EagerBackend = 'js',
): Promise<NDArray> {
  return (
    structuralView(primitive, args, params) ??
    (await eagerExecutable(primitive, args, params, backend).run(arrayArgs(args), control))[0]!
  );
}

function arrayArgs(args: readonly (NDArray | number)[]): NDArray[] {
  return args.filter((a): a is NDArray => typeof a !== 'number');
}

function structuralView(primitive: Primitive, args: readonly (NDArray | number)[], params: AnyParams): NDArray | null {
  const operand = args[0];
  if (primitive === 'transpose') {
    return asArray(operand).transpose((params as PrimitiveParams['transpose']).permutation);
  }
  if (primitive === 'broadcast_in_dim') {
    const { shape, broadcastDimensions } = params as PrimitiveParams['broadcast_in_dim'];
    const array = asArray(operand);
    const strides = new Array<number>(shape.length).fill(0);
    broadcastDimensions.forEach((axis, k) => (strides[axis] = array.shape[k] === 1 ? 0 : array.strides[k]!));
    return array.view(shape, strides);
  }
  return null;
}

function eagerExecutable(
  primitive: Primitive,
  args: readonly (NDArray | number)[],
  params: AnyParams,
  backend: EagerBackend,
): Executable {
  const arrays = arrayArgs(args);
  const key = `${backend}|${primitive}|${JSON.stringify(params)}|${args
    .map((a) =>
      typeof a === 'number' ? `l${a}` : `${a.dtype}[${a.shape.join(',')}]z${zeroStrideAxes(a).map(Number).join('')}`,
    )
    .join(';')}`;
  let executable = cache.get(key);
  if (!executable) {
    const builder = new GraphBuilder(0);
    const atoms = args.map((a): Var | Literal =>
      typeof a === 'number' ? { kind: 'literal', value: a } : builder.addInput({ shape: a.shape, dtype: a.dtype }),
    );
    const out = builder.emit(primitive, atoms, params);
    const compiler = backend === 'js' ? jsBackend : getBackend(backend);
    executable = compiler.compile(builder.graph([out]), { zeroStrides: arrays.map(zeroStrideAxes) });
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, executable);
  }
  return executable;
}

function asArray(value: NDArray | number | undefined): NDArray {
  if (value instanceof NDArray) return value;
  throw new Error('structural primitives need an array operand');
}
