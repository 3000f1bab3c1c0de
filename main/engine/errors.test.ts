import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  compileFormula,
  guardRequest,
  parseSettings,
  runStrategy,
  StrategyUnavailableError,
} from '../../compute/index.js';
import { serializeError } from './errors.js';

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('an engine error as it crosses to the host', () => {
  it('a formula error keeps its position and length', () => {
    expect(serializeError(thrown(() => compileFormula('cos(x^2 +')))).toEqual({
      kind: 'formula',
      message: expect.any(String),
      position: 9,
      length: 0,
    });
    expect(serializeError(thrown(() => compileFormula('x + blah(y)')))).toMatchObject({
      kind: 'formula',
      position: 4,
      length: 4,
    });
  });

  it('a memory-guard refusal keeps the bytes needed and those available', () => {
    const error = thrown(() => guardRequest({ strategy: 'meshgrid', n: 2000, dtype: 'float64', memoryCapBytes: 1000 }));
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({ kind: 'memory', availableBytes: 1000 });
    expect(serialized.neededBytes).toBeGreaterThan(2000 * 2000 * 8);
  });

  it('names a refused request, a missing device, a bad settings file and a cancel by their kinds', async () => {
    expect(serializeError(await runStrategy({ strategy: 'vmap', n: 0 }).catch((e: unknown) => e))).toMatchObject({
      kind: 'invalid-request',
    });
    expect(serializeError(new StrategyUnavailableError('gpu cannot run on webgpu: no adapter'))).toEqual({
      kind: 'unavailable',
      message: 'gpu cannot run on webgpu: no adapter',
    });
    expect(serializeError(thrown(() => parseSettings('{"formula": 3}')))).toMatchObject({ kind: 'settings' });
    expect(serializeError(new CancelledError())).toEqual({ kind: 'cancelled', message: 'the run was cancelled' });
    expect(
      serializeError(Object.assign(new Error('the grid export was cancelled'), { name: 'CancelledError' })),
    ).toMatchObject({ kind: 'cancelled' });
  });

  it('anything else is an engine error in its own words, with no numbers it does not carry', () => {
    expect(serializeError(new TypeError('boom'))).toEqual({ kind: 'engine', message: 'boom' });
    expect(serializeError(Object.assign(new Error(''), { name: 'WeirdError', position: 'not a number' }))).toEqual({
      kind: 'engine',
      message: 'WeirdError (no message)',
    });
    expect(serializeError('a string')).toEqual({ kind: 'engine', message: 'a string' });
  });
});
