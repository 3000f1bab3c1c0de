import { describe, expect, it } from 'vitest';
import type { GridSettings } from '../../../main/contract';
import { APP_GRID_LIMITS } from '../../../compute/limits';
import { threadSweepRefusal } from './threadSweepLimit';

const grid = (nx: number, ny: number, dtype: GridSettings['dtype'] = 'float32'): GridSettings => ({
  nx,
  ny,
  xRange: [-2, 2],
  yRange: [-2, 2],
  dtype,
  formula: 'x',
});

describe('the threads sweep’s limit', () => {
  it("runs at any grid within the grid's limit, on either side", () => {
    expect(threadSweepRefusal(grid(APP_GRID_LIMITS.nMax, APP_GRID_LIMITS.nMax), APP_GRID_LIMITS)).toBeNull();
    expect(threadSweepRefusal(grid(1, 300), APP_GRID_LIMITS)).toBeNull();
  });

  it("is refused past it, a number's grid included, naming the limit, the grid's bytes and what runs instead", () => {
    const reason = threadSweepRefusal(grid(100_000, 100_000), APP_GRID_LIMITS)!;
    expect(reason).toMatch(/^The threads sweep runs up to 20,000 per side:/);
    expect(reason).toContain('(37.3 GiB at n = 100,000)');
    expect(reason).toContain('Run pmap at this size');
    expect(threadSweepRefusal(grid(300, 20_001, 'float64'), APP_GRID_LIMITS)).toContain('(45.8 MiB at 300 × 20,001)');
  });
});
