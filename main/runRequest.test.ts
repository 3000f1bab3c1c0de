import { describe, expect, it } from 'vitest';
import { APP_GRID_LIMITS, APP_MAX_REPEATS, NATIVE_MAX_THREADS } from '../compute/leaves.js';
import { checkRunRequest, RunRequestError } from '../compute/index.js';
import { runRequestOf } from './runRequest.js';
import { validateRequest } from './validate.js';
import type { RunSettings } from './contract.js';

// runRequestOf hands the engine its request as checked (the engine does not check it again): that is sound only while
// every RunSettings the app's boundary accepts becomes a request the engine's own schema accepts, unchanged.
const { nMin, nMax, answerNMax, domainMaxAbs, formulaMaxLength } = APP_GRID_LIMITS;
const extremes: RunSettings[] = [
  {
    nx: nMin,
    ny: nMax,
    xRange: [-domainMaxAbs, domainMaxAbs],
    yRange: [-domainMaxAbs, -domainMaxAbs / 2],
    dtype: 'float64',
    formula: 'x'.padEnd(formulaMaxLength, ' '),
    strategies: ['vmap', 'pmap'],
    repeats: APP_MAX_REPEATS,
    devices: NATIVE_MAX_THREADS,
  },
  {
    nx: answerNMax,
    ny: answerNMax,
    xRange: [-2, 2],
    yRange: [-2, 2],
    dtype: 'float32',
    formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
    strategies: ['meshgrid'],
    repeats: 0,
    devices: 0,
    reduce: 'max',
  },
];

describe('runRequestOf', () => {
  it.each(extremes.map((settings) => [settings.nx, settings.ny, settings]))(
    'turns settings the boundary accepts (%i × %i) into a request the engine’s schema accepts unchanged',
    (_nx, _ny, settings) => {
      const accepted = validateRequest('run:guard', settings);
      for (const strategy of accepted.strategies) {
        const request = runRequestOf(accepted, strategy);
        expect(checkRunRequest(request)).toEqual(request);
      }
    },
  );

  it('passes the app’s "all threads" (devices 0) as the engine’s default, not as a count', () => {
    const request = runRequestOf({ ...extremes[1]!, devices: 0 }, 'pmap');
    expect(request).not.toHaveProperty('devices');
    expect(request).toMatchObject({ nx: answerNMax, ny: answerNMax, reduce: 'max' });
  });

  it('is reached only past the boundary: a side the app refuses never becomes a request', () => {
    expect(() => validateRequest('run:guard', { ...extremes[0]!, ny: nMax + 1 })).toThrow(/ny must be an integer/);
    // The engine's own schema is wider (ENGINE_MAX_N): the app's bound is the boundary's, checked once there.
    expect(() => checkRunRequest({ strategy: 'vmap', nx: nMax + 1, ny: 1 })).not.toThrow(RunRequestError);
  });
});
