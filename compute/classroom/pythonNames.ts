// How each elementwise primitive is spelled in Python: its jax.numpy and
// NumPy function, and the operator that writes it where Python has one. One
// table keyed by primitive, so a primitive without a Python spelling is a
// compile error; the JAX export and the Python peer strategies both read it.
// Text only: nothing here runs Python.

import type { ElementwisePrimitive } from '../core/primitives.js';

/** Python's operators for elementwise primitives: infix for binary ones, prefix (-a) for neg. */
export type PythonOperator = '+' | '-' | '*' | '/' | '%' | '**';

export interface PythonSpelling {
  /** jax.numpy's function: jnp.<jnp>(…). */
  readonly jnp: string;
  /** NumPy's function: np.<np>(…). */
  readonly np: string;
  /**
   * The operator Python writes it with (a + b, -a, a % b, a ** b), which on
   * arrays means the function above; absent: only the function call.
   * integer_pow is `a ** y` with its constant exponent y.
   */
  readonly operator?: PythonOperator;
}

const same = (name: string, operator?: PythonOperator): PythonSpelling => (operator ? { jnp: name, np: name, operator } : { jnp: name, np: name });

export const PYTHON_NAMES: { readonly [P in ElementwisePrimitive]: PythonSpelling } = {
  neg: same('negative', '-'),
  square: same('square'),
  cos: same('cos'),
  sin: same('sin'),
  tan: same('tan'),
  exp: same('exp'),
  log: same('log'),
  sqrt: same('sqrt'),
  abs: same('abs'),
  tanh: same('tanh'),
  // arctan rather than NumPy 2's atan alias, so the programs run on NumPy 1 too.
  atan: same('arctan'),
  asin: same('arcsin'),
  acos: same('arccos'),
  sinh: same('sinh'),
  cosh: same('cosh'),
  floor: same('floor'),
  ceil: same('ceil'),
  sign: same('sign'),
  log2: same('log2'),
  log10: same('log10'),
  add: same('add', '+'),
  sub: same('subtract', '-'),
  mul: same('multiply', '*'),
  div: same('divide', '/'),
  pow: same('power', '**'),
  min: same('minimum'),
  max: same('maximum'),
  atan2: same('arctan2'),
  hypot: same('hypot'),
  // Python's % on arrays is np.remainder, which is np.mod: the divisor's sign.
  mod: same('mod', '%'),
  integer_pow: same('power', '**'),
};

/** The qualified function: `jnp.arctan2` or `np.arctan2`. */
export function pythonFunction(primitive: ElementwisePrimitive, namespace: 'jnp' | 'np'): string {
  return `${namespace}.${PYTHON_NAMES[primitive][namespace]}`;
}
