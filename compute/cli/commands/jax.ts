// `vlab jax`: the experiment as a JAX program (NumPy for the loop steps),
// printed or written to --out. The formula is parsed first, so a bad one is
// refused with its position and never reaches the Python text.

import { writeFileSync } from 'node:fs';
import { DEFAULT_FORMULA, LAB_STRATEGY_NAMES, compileFormula, isPeerStrategy, jaxProgram } from '../../index.js';
import { type Values, parseDtype, parseGrid, parseStrategies } from '../args.js';
import { UsageError } from '../errors.js';
import type { Session } from '../session.js';
import { REDUCE_MODES } from '../../strategies/types.js';
import type { AnswerMode } from '../../strategies/answer.js';
import { jaxExport } from '../../classroom/jaxExport.js';

export function commandJax(session: Session, values: Values): void {
  if (values.reduce !== undefined || values.cluster) {
    write(session, values, reduceProgram(values));
    return;
  }
  if (values.strategy === undefined)
    throw new UsageError(`jax needs --strategy (one of ${LAB_STRATEGY_NAMES.join(', ')})`);
  const strategies = parseStrategies(values.strategy as string) ?? [];
  if (strategies.length !== 1) throw new UsageError('jax writes one strategy at a time: give --strategy one name');
  const strategy = strategies[0]!;
  if (isPeerStrategy(strategy))
    throw new UsageError(
      `${strategy} is already Python: jax writes the lab's strategies (${LAB_STRATEGY_NAMES.join(', ')})`,
    );
  const formula = (values.formula as string | undefined) ?? DEFAULT_FORMULA;
  compileFormula(formula); // a bad formula is refused here, with its position, not written into Python
  write(
    session,
    values,
    jaxProgram({
      strategy,
      ...parseGrid(values, 1000),
      dtype: parseDtype(values.dtype as string | undefined, 'float32'),
      formula,
    }),
  );
}

/** The reduction program, or with --cluster the multi-process one. */
function reduceProgram(values: Values): string {
  const reduce = values.reduce as string | undefined;
  const modes = REDUCE_MODES.filter((m) => m !== 'grid');
  if (reduce === undefined || !(modes as readonly string[]).includes(reduce))
    throw new UsageError(`--reduce must be one of ${modes.join(', ')}${values.cluster ? ' (--cluster needs it)' : ''}`);
  if (values.strategy !== undefined)
    throw new UsageError('--reduce writes every strategy of the reduction in one program: leave out --strategy');
  const formula = (values.formula as string | undefined) ?? DEFAULT_FORMULA;
  compileFormula(formula);
  // The app's JAX panel writes its reduction programs through the same choice.
  return jaxExport({
    ...parseGrid(values, 1000),
    dtype: parseDtype(values.dtype as string | undefined, 'float32'),
    formula,
    reduce: reduce as AnswerMode,
    cluster: Boolean(values.cluster),
  }).text;
}

function write(session: Session, values: Values, text: string): void {
  if (values.out === undefined) {
    session.io.stdout.write(text);
    return;
  }
  writeFileSync(values.out as string, text, 'utf8');
  session.status(`wrote ${values.out}`);
}
