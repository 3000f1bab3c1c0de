// `vlab jax`: the experiment as a JAX program (NumPy for the loop steps),
// printed or written to --out. The formula is parsed first, so a bad one is
// refused with its position and never reaches the Python text.

import { writeFileSync } from 'node:fs';
import { DEFAULT_FORMULA, LAB_STRATEGY_NAMES, compileFormula, isPeerStrategy, jaxProgram } from '../../index.js';
import { type Values, parseDtype, parseGrid, parseStrategies } from '../args.js';
import { UsageError } from '../errors.js';
import type { Session } from '../session.js';

export function commandJax(session: Session, values: Values): void {
  if (values.strategy === undefined) throw new UsageError(`jax needs --strategy (one of ${LAB_STRATEGY_NAMES.join(', ')})`);
  const strategies = parseStrategies(values.strategy as string) ?? [];
  if (strategies.length !== 1) throw new UsageError('jax writes one strategy at a time: give --strategy one name');
  const strategy = strategies[0]!;
  if (isPeerStrategy(strategy)) throw new UsageError(`${strategy} is already Python: jax writes the lab's strategies (${LAB_STRATEGY_NAMES.join(', ')})`);
  const formula = (values.formula as string | undefined) ?? DEFAULT_FORMULA;
  compileFormula(formula); // a bad formula is refused here, with its position, not written into Python
  const text = jaxProgram({ strategy, ...parseGrid(values, 1000), dtype: parseDtype(values.dtype as string | undefined, 'float32'), formula });
  if (values.out === undefined) {
    session.io.stdout.write(text);
    return;
  }
  writeFileSync(values.out as string, text, 'utf8');
  session.status(`wrote ${values.out}`);
}
