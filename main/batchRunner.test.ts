import { describe, expect, it } from 'vitest';
import { executionOrder, failureOf } from './batchRunner.js';
import { EngineCrashedError, EngineError } from './engine/host.js';

describe('the batch runner', () => {
  it('runs loops last, the others in the order ticked', () => {
    expect(executionOrder(['loops', 'vmap', 'naive', 'gpu'])).toEqual(['vmap', 'naive', 'gpu', 'loops']);
  });

  it('lists a failed strategy by its error’s kind, in its words', () => {
    expect(
      failureOf('vmap', new EngineError({ kind: 'memory', message: 'needs 3 GiB', neededBytes: 3, availableBytes: 1 })),
    ).toEqual({ strategy: 'vmap', kind: 'guard', message: 'needs 3 GiB' });
    expect(failureOf('gpu', new EngineError({ kind: 'unavailable', message: 'no adapter' }))).toEqual({
      strategy: 'gpu',
      kind: 'unavailable',
      message: 'no adapter',
    });
    expect(failureOf('loops', new EngineError({ kind: 'cancelled', message: 'the run was cancelled' }))).toMatchObject({
      kind: 'cancelled',
    });
    expect(failureOf('pmap', new EngineCrashedError('the run engine stopped'))).toMatchObject({ kind: 'crash' });
    expect(
      failureOf('naive', new EngineError({ kind: 'engine', message: 'shapes (3,) and (4,) do not broadcast' })),
    ).toMatchObject({ kind: 'error' });
    expect(failureOf('limit', new Error(''))).toEqual({ strategy: 'limit', kind: 'error', message: 'Error' });
  });
});
