// The app's settings for a run (RunSettings: the grid, the formula, the
// repeats and threads) as the engine's request for one strategy: the one
// translation between the two, used by the batch runner (main process) and
// the memory guard (engine process), so both ask the engine the same thing.
// The settings were validated where they entered (validate.ts, whose limits
// lie within the engine's schema): the request is handed on as checked, and
// the engine does not check it again. Pure: no engine, no Node.

import { asCheckedRunRequest, type CheckedRunRequest } from '../compute/leaves.js';
import type { StrategyName } from '../compute/index.js';
import type { RunSettings } from './contract.js';

export function runRequestOf(settings: Omit<RunSettings, 'strategies'>, strategy: StrategyName): CheckedRunRequest {
  const { nx, ny, xRange, yRange, dtype, formula, repeats, devices, reduce } = settings;
  // devices 0 is the app's "all": the engine's default when none is named.
  return asCheckedRunRequest({
    strategy,
    nx,
    ny,
    xRange,
    yRange,
    dtype,
    formula,
    repeats,
    ...(devices > 0 ? { devices } : {}),
    ...(reduce !== undefined ? { reduce } : {}),
  });
}
