// Element types the engine knows. float32 is the default, as in JAX; float64
// is what the reference uses. Nothing else: the lab's lesson needs no ints.

export type DType = 'float32' | 'float64';

export type TypedArrayFor<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function itemSize(dtype: DType): number {
  return dtype === 'float32' ? 4 : 8;
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}

/** NumPy's promotion restricted to our two floats: the wider one wins. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** Rounds a double to what the dtype can hold (used for constants and scalars). */
export function roundTo(dtype: DType, value: number): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}
