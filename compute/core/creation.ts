// Array constructors with NumPy/JAX semantics: linspace, arange, meshgrid.
// Every buffer comes from the allocator (through NDArray.empty).

import type { DType } from './dtype.js';
import { NDArray } from './ndarray.js';

export interface LinspaceOptions {
  dtype?: DType;
  /** Include the stop value (NumPy's endpoint, default true). */
  endpoint?: boolean;
}

/** n evenly spaced values over [start, stop], computed in float64 and rounded once, as NumPy does. */
export function linspace(start: number, stop: number, num: number, options: LinspaceOptions = {}): NDArray {
  const { dtype = 'float32', endpoint = true } = options;
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const out = NDArray.empty([num], dtype);
  const data = out.data;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (endpoint && num > 1) data[num - 1] = stop;
  return out;
}

/** Values start, start+step, … below stop, as NumPy's arange. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): NDArray {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError('arange: step must be a finite non-zero number');
  const num = Math.max(0, Math.ceil((stop - start) / step));
  const out = NDArray.empty([num], dtype);
  for (let i = 0; i < num; i++) out.data[i] = start + i * step;
  return out;
}

export type MeshgridIndexing = 'xy' | 'ij';

/**
 * Coordinate matrices from coordinate vectors, as numpy.meshgrid / jnp.meshgrid.
 * With 'xy' (the default) the first output varies along columns: for vectors of
 * lengths nx and ny the meshes have shape (ny, nx). With 'ij' they have shape
 * (nx, ny) and mesh_x[i, j] = x[i]. The meshes are materialized (copy: true in
 * NumPy's terms): that memory is what the lesson measures.
 */
export function meshgrid(x: NDArray, y: NDArray, options: { indexing?: MeshgridIndexing } = {}): [NDArray, NDArray] {
  const indexing = options.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij')
    throw new Error(`meshgrid: indexing must be 'xy' or 'ij', got '${String(indexing)}'`);
  if (x.ndim !== 1 || y.ndim !== 1) throw new Error('meshgrid: inputs must be 1-D vectors');
  const shape = indexing === 'xy' ? [y.size, x.size] : [x.size, y.size];
  // x varies along the columns for 'xy' and along the rows for 'ij'.
  const xView = indexing === 'xy' ? x.expandDims(0) : x.expandDims(1);
  const yView = indexing === 'xy' ? y.expandDims(1) : y.expandDims(0);
  const meshes = [xView, yView].map((v) => {
    const broadcast = v.broadcastTo(shape);
    const mesh = broadcast.copy();
    broadcast.dispose();
    v.dispose();
    return mesh;
  });
  return [meshes[0]!, meshes[1]!];
}
