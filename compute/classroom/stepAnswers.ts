// The lesson's two steps after pmap, where the output is a number:
//   answer  "The answer without the grid": the max of f by the loop (a
//           running value), by meshgrid then max, and by vmap fused, with the
//           memory each holds at one size (10⁴ per side: seconds on two
//           cores); where meshgrid's meshes do not fit, its refusal with the
//           bytes it needs is the figure;
//   talk    "Devices that talk": pmap where each device reduces its rows and
//           lax.pmax gives every device the maximum; each device's partial
//           is shown beside the total.

import { formatBytes } from '../strategies/memoryGuard.js';
import { guardRequest } from '../strategies/run.js';
import { MemoryGuardError } from '../strategies/memoryGuard.js';
import { compileFormula } from '../formula/index.js';
import { gridAxes, gridFunction, gridOverAxes } from '../strategies/grid.js';
import { pmapAnswerFunction, readPmapAnswer } from '../strategies/pmapAnswer.js';
import { cpuDevices } from '../transforms/pmap.js';
import { NDArray } from '../core/ndarray.js';
import { DEFAULT_FORMULA } from '../strategies/types.js';
import type { LessonValue } from './lessonText.js';
import type { StepContext } from './stepContext.js';

type Values = Record<string, LessonValue>;

/** The loop's side: one call per point, so a few hundred per side. */
const LOOP_N = 200;

export async function answerStep({ n, dtype, formula, runReduced }: StepContext): Promise<Values> {
  const loop = (await runReduced('loops', 'max', Math.min(LOOP_N, n))).record;
  const fused = (await runReduced('vmap', 'max', n)).record;
  const values: Values = {
    n,
    loopN: loop.nx,
    loopMax: loop.value!,
    loopMs: loop.medianMs,
    loopPeak: formatBytes(loop.peakBytes ?? 0),
    vmapMax: fused.value!,
    vmapAt: `i = ${fused.at?.i}, j = ${fused.at?.j}`,
    vmapMs: fused.medianMs,
    vmapPeak: formatBytes(fused.peakBytes ?? 0),
  };
  // meshgrid at the same size: run where it fits, else its refusal with the bytes it needs.
  try {
    guardRequest({
      strategy: 'meshgrid',
      nx: n,
      ny: n,
      dtype,
      reduce: 'max',
      ...(formula !== undefined ? { formula } : {}),
    });
    const mesh = (await runReduced('meshgrid', 'max', n)).record;
    return {
      ...values,
      meshRefused: false,
      meshMax: mesh.value!,
      meshMs: mesh.medianMs,
      meshPeak: formatBytes(mesh.peakBytes ?? 0),
    };
  } catch (error) {
    if (!(error instanceof MemoryGuardError)) throw error;
    return { ...values, meshRefused: true, meshNeeds: formatBytes(error.neededBytes) };
  }
}

export async function talkStep({ n, dtype, formula }: StepContext): Promise<Values> {
  const devices = Math.max(1, Math.min(cpuDevices().length, n));
  const rows = Math.ceil(n / devices);
  const f = gridFunction(compileFormula(formula ?? DEFAULT_FORMULA));
  const fMax = pmapAnswerFunction(gridOverAxes(f), 'max', devices);
  const [x, y] = gridAxes({ nx: n, ny: n, xRange: [-2, 2], yRange: [-2, 2] }, dtype);
  const padded = NDArray.empty([devices * rows], dtype);
  padded.data.set(x.data);
  padded.data.fill(x.data[n - 1]!, n);
  const blocks = padded.reshape(devices, rows);
  try {
    const answer = readPmapAnswer((await fMax.run([blocks, y])) as NDArray[], rows, n);
    return {
      n,
      devices,
      rows,
      partials: answer.partials.map((p) => p.toPrecision(7)).join(', '),
      total: answer.value,
      at: `i = ${Math.floor(answer.index / n)}, j = ${answer.index % n}`,
    };
  } finally {
    for (const a of [x, y, padded, blocks]) a.dispose();
  }
}
