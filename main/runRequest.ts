// The app's settings for a run (RunSettings: the grid, the formula, the
// repeats and threads) as the engine's request for one strategy: the one
// translation between the two, used by the batch runner (main process) and
// the memory guard (engine process), so both ask the engine the same thing.
// Pure: no engine, no Node.

import type { RunRequest, StrategyName } from '../compute/index.js';
import type { RunSettings } from './contract.js';

export function runRequestOf(settings: Omit<RunSettings, 'strategies'>, strategy: StrategyName): RunRequest {
  const { nx, ny, xRange, yRange, dtype, formula, repeats, devices, reduce } = settings;
  // devices 0 is the app's "all": the engine's default when none is named.
  return {
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
  };
}
