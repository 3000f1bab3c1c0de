// The strategies the lab compares, in the lesson's order.

import type { Strategy } from './strategy.js';
import { loopsStrategy } from './loops.js';
import { naiveStrategy } from './naive.js';
import { meshgridStrategy } from './meshgrid.js';
import { meshgridEagerStrategy } from './meshgridEager.js';
import { vmapStrategy } from './vmap.js';
import type { StrategyName } from './types.js';

export const STRATEGIES: readonly Strategy[] = [loopsStrategy, naiveStrategy, meshgridStrategy, meshgridEagerStrategy, vmapStrategy];

export function findStrategy(name: StrategyName): Strategy | undefined {
  return STRATEGIES.find((s) => s.name === name);
}
