// `vlab run`: the strategies timed on one grid, n × n or nx × ny, over the
// domain asked; with --npy the grid of the first strategy that computed all
// of it, as a NumPy file. A runnable strategy the memory guard refuses is an
// error here, not a row.

import { LAB_STRATEGY_NAMES, RunRequestError } from '../../index.js';
import { type Values, parseGrid, parseRunOptions, parseStrategies } from '../args.js';
import { UsageError } from '../errors.js';
import { type NpyTarget, resultsContext, runStrategies } from '../measure.js';
import { emit, parseOutputs } from '../output.js';
import type { Session } from '../session.js';

export async function commandRun(session: Session, values: Values, command: string): Promise<void> {
  if (values.n === undefined && (values.nx === undefined || values.ny === undefined)) throw new UsageError('run needs --n, or --nx and --ny (see vlab run --help)');
  const gridOptions = parseGrid(values);
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  const options = parseRunOptions(values, 'float32');
  const outputs = parseOutputs(values);
  if (values.npy === '' || values.npy === '-') throw new UsageError('--npy needs a file name');
  const npy: NpyTarget | undefined = values.npy === undefined ? undefined : { path: values.npy as string };
  const measured = await runStrategies(session, strategies, gridOptions, options, { explicit: values.strategies !== undefined, refusalsAreRows: false, ...(npy ? { npy } : {}) });
  await emit(session, { ...measured, ...resultsContext(options) }, outputs, command);
  if (npy) {
    if (!npy.written) throw new RunRequestError(`--npy: no strategy here computed the whole ${gridOptions.nx} × ${gridOptions.ny} grid (naive gives a vector); add vmap or meshgrid`);
    session.status(`wrote ${npy.path} (${npy.written})`);
  }
}
