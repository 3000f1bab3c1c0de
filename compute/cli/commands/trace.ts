// `vlab trace`: f as each strategy traces it (make_jaxpr), to the grid or,
// with --reduce, to a number, and with --lowered the fused kernel as native
// bytecode and as WGSL. Traces only; runs nothing.

import { DEFAULT_FORMULA, GRID_RANGE, compileFormula, traceStrategies } from '../../index.js';
import { type Values, parseDtype, parseGrid, parseReduce } from '../args.js';
import type { Session } from '../session.js';

export function commandTrace(session: Session, values: Values): void {
  const { nx, ny } = parseGrid(values, 300);
  const view = traceStrategies(
    compileFormula((values.formula as string | undefined) ?? DEFAULT_FORMULA),
    { nx, ny, xRange: GRID_RANGE, yRange: GRID_RANGE },
    parseDtype(values.dtype as string | undefined, 'float32'),
    parseReduce(values),
  );
  if (values.json) {
    session.io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const parts = view.graphs.map(
    (g) => `# ${g.strategies.join(', ')}: ${g.call}\n# ${g.note}\n${g.error ? `# ${g.error}` : g.jaxpr}\n`,
  );
  if (values.lowered) {
    const native = view.lowered.native;
    const bytecode = native.ok ? native.bytecode : `# unavailable: ${native.reason}`;
    parts.push(
      `# the vmap graph as the native evaluator runs it (d0 once, d1 once per row, d2 once per point)\n${bytecode}\n`,
    );
    parts.push(`# the vmap graph as a WGSL compute shader (float32)\n${view.lowered.wgsl}`);
  }
  session.io.stdout.write(parts.join('\n'));
}
