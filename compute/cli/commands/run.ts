// `vlab run`: the strategies timed on one grid, n × n or nx × ny, over the
// domain asked; with --npy the grid of the first strategy that computed all
// of it, as a NumPy file. A runnable strategy the memory guard refuses is an
// error here, not a row.

import { LAB_STRATEGY_NAMES, RunRequestError } from '../../index.js';
import { onNativeIsa } from '../../backends/native.js';
import { loadAddon } from '../../backends/nativeAddon.js';

/** The native targets this CPU runs, narrowest (scalar) first; none without the addon. */
export function nativeIsas(): string[] {
  const { addon } = loadAddon();
  return addon
    ? addon
        .targets()
        .map((t) => t.isa)
        .reverse()
    : [];
}
import { type Values, parseGrid, parseRunOptions, parseStrategies } from '../args.js';
import { UsageError } from '../errors.js';
import { type NpyTarget, resultsContext, runStrategies } from '../measure.js';
import { emit, parseOutputs } from '../output.js';
import type { Session } from '../session.js';
import { rooflineTable } from '../rooflineTable.js';
import { loadMachineProfile } from './machine.js';

/** --isa a,b,…: distinct ISA copies, each one this CPU runs. */
export function parseIsas(text: string | undefined, runnable: readonly string[]): string[] | undefined {
  if (text === undefined) return undefined;
  const isas = [
    ...new Set(
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ];
  if (isas.length === 0) throw new UsageError('--isa needs one or more ISA names, e.g. --isa generic,avx512');
  const unknown = isas.find((isa) => !runnable.includes(isa));
  if (unknown !== undefined)
    throw new UsageError(
      `--isa ${unknown}: this CPU runs ${runnable.join(', ') || 'no native copy (the addon is missing)'}`,
    );
  return isas;
}

export async function commandRun(session: Session, values: Values, command: string): Promise<void> {
  if (values.n === undefined && (values.nx === undefined || values.ny === undefined))
    throw new UsageError('run needs --n, or --nx and --ny (see vlab run --help)');
  const gridOptions = parseGrid(values);
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  const options = parseRunOptions(values, 'float32');
  const outputs = parseOutputs(values);
  if (values.npy === '' || values.npy === '-') throw new UsageError('--npy needs a file name');
  const npy: NpyTarget | undefined = values.npy === undefined ? undefined : { path: values.npy as string };
  const isas = parseIsas(values.isa as string | undefined, nativeIsas());
  if (values.roofline) await loadMachineProfile(session, false);
  const measureOn = () =>
    runStrategies(session, strategies, gridOptions, options, {
      explicit: values.strategies !== undefined,
      refusalsAreRows: false,
      ...(npy ? { npy } : {}),
    });
  let measured = isas ? { records: [], refused: [], skipped: [] } : await measureOn();
  // One pass per ISA copy: records carry isa and lanes (compute/machine/place.ts).
  for (const isa of isas ?? []) {
    const pass = await onNativeIsa(isa, measureOn);
    measured = {
      records: [...measured.records, ...pass.records],
      refused: [...measured.refused, ...pass.refused],
      skipped: [...measured.skipped, ...pass.skipped],
    };
  }
  await emit(
    session,
    { ...measured, ...resultsContext(options) },
    outputs,
    command,
    values.roofline ? rooflineTable(measured.records) : undefined,
  );
  if (npy) {
    if (!npy.written)
      throw new RunRequestError(
        `--npy: no strategy here computed the whole ${gridOptions.nx} × ${gridOptions.ny} grid (naive gives a ` +
          `vector); add vmap or meshgrid`,
      );
    session.status(`wrote ${npy.path} (${npy.written})`);
  }
}
