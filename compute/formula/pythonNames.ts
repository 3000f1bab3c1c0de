// How each elementwise primitive is spelled in Python: its jax.numpy and
// NumPy function, and the operator that writes it where Python has one. Read
// from the primitives' declarations (core/primitives.ts), keyed by the
// primitive union; the JAX export and the Python peer strategies both use it.
// Text only: nothing here runs Python.

import { type ElementwisePrimitive, type PythonOperator, type Spelling, SPELLINGS } from '../core/primitives.js';

export type { PythonOperator };

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

function spellingOf({ python, pythonOperator }: Spelling): PythonSpelling {
  return pythonOperator ? { jnp: python, np: python, operator: pythonOperator } : { jnp: python, np: python };
}

export const PYTHON_NAMES = Object.fromEntries(
  (Object.keys(SPELLINGS) as ElementwisePrimitive[]).map((primitive) => [primitive, spellingOf(SPELLINGS[primitive])]),
) as { readonly [P in ElementwisePrimitive]: PythonSpelling };

/** The qualified function: `jnp.arctan2` or `np.arctan2`. */
export function pythonFunction(primitive: ElementwisePrimitive, namespace: 'jnp' | 'np'): string {
  return `${namespace}.${PYTHON_NAMES[primitive][namespace]}`;
}
