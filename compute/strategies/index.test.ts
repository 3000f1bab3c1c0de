import { describe, expect, it } from 'vitest';
import { STRATEGIES } from './index.js';
import { STRATEGY_NAMES } from './types.js';

describe('the strategy list', () => {
  it('holds one module per strategy name, in the one order the names are defined in', () => {
    expect(STRATEGIES.map((s) => s.name)).toEqual([...STRATEGY_NAMES]);
  });
});
