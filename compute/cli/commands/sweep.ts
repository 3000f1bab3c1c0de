// `vlab sweep`: the classroom's sweep from the terminal — every strategy at
// log-spaced sizes over one domain (square, or nx swept with ny held at
// --ny or following nx at --aspect), a size the memory guard refuses kept as
// a row. The sweep itself is compute/classroom's.

import { CancelledError, LAB_STRATEGY_NAMES } from '../../index.js';
import { runSweep } from '../../classroom/sweep.js';
import {
  type Values,
  gridLabel,
  parseInteger,
  parsePositive,
  parseRanges,
  parseRunOptions,
  parseStrategies,
} from '../args.js';
import { UsageError } from '../errors.js';
import type { Results } from '../measure.js';
import { emit, parseOutputs } from '../output.js';
import type { Session } from '../session.js';

export async function commandSweep(session: Session, values: Values, command: string): Promise<void> {
  for (const name of ['from', 'to', 'points'])
    if (values[name] === undefined)
      throw new UsageError(`sweep needs --from, --to and --points (see vlab sweep --help)`);
  const options = parseRunOptions(values, 'float32');
  const outputs = parseOutputs(values);
  const strategies = parseStrategies(values.strategies as string | undefined) ?? [...LAB_STRATEGY_NAMES];
  if (values.ny !== undefined && values.aspect !== undefined)
    throw new UsageError('sweep takes --ny (ny held) or --aspect (nx : ny held), not both');
  const result = await runSweep(
    {
      nMin: parseInteger('from', values.from as string, 0, 1),
      nMax: parseInteger('to', values.to as string, 0, 1),
      points: parseInteger('points', values.points as string, 0, 1),
      ...(values.ny !== undefined ? { ny: parseInteger('ny', values.ny as string, 0, 1) } : {}),
      ...(values.aspect !== undefined ? { aspect: parsePositive('aspect', values.aspect as string) } : {}),
      ...parseRanges(values),
      strategies,
      limit: values['no-limit'] !== true,
      ...options,
    },
    {
      signal: session.signal,
      onProgress: (p) =>
        session.progress(
          `sweep: ${p.strategy} ${gridLabel(p)} (${p.done}/${p.total}) ${Math.round(p.fraction * 100)}%`,
        ),
    },
  );
  session.progressDone();
  if (result.cancelled) throw new CancelledError();
  const results: Results = {
    records: [],
    refused: [],
    skipped: [],
    dtype: result.dtype,
    backend: result.backend,
    formula: result.formula,
    xRange: result.xRange,
    yRange: result.yRange,
  };
  for (const entry of result.entries) {
    if (entry.kind === 'record') results.records.push(entry.record);
    else if (entry.kind === 'refused') {
      const { kind: _refused, ...run } = entry;
      results.refused.push(run);
    } else {
      const { kind: _skipped, ...run } = entry;
      results.skipped.push(run);
    }
  }
  await emit(session, results, outputs, command);
}
