// The strategies the lab compares, in the lesson's order, then its Python peers.

import type { Strategy } from './strategy.js';
import { loopsStrategy } from './loops.js';
import { naiveStrategy } from './naive.js';
import { meshgridStrategy } from './meshgrid.js';
import { meshgridEagerStrategy } from './meshgridEager.js';
import { vmapStrategy } from './vmap.js';
import { pmapStrategy } from './pmap.js';
import { gpuStrategy } from './gpu.js';
import { PEER_STRATEGIES } from '../peers/strategies.js';
import { onOneDevice } from '../backends/native.js';
import type { StrategyName } from './types.js';

/**
 * A strategy that takes the user's backend runs it as one device (the native
 * backend on one thread), so that the lesson compares strategies on equal
 * terms and pmap's gain is the gain of more devices.
 */
function onOneDeviceOf(strategy: Strategy): Strategy {
  return strategy.takesBackend ? { ...strategy, run: (context) => onOneDevice(() => strategy.run(context)) } : strategy;
}

export const STRATEGIES: readonly Strategy[] = [
  loopsStrategy,
  naiveStrategy,
  meshgridStrategy,
  meshgridEagerStrategy,
  vmapStrategy,
  pmapStrategy,
  gpuStrategy,
  ...PEER_STRATEGIES,
].map(onOneDeviceOf);

export function findStrategy(name: StrategyName): Strategy | undefined {
  return STRATEGIES.find((s) => s.name === name);
}
