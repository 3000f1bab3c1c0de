// What Live has seen measured this session: the latest record of every
// strategy (from Run's batches and its own runs) and the latest floors per
// grid, and from them what is still unmeasured at some settings.

import type { GridSettings, RunRecord, RunSettings, StrategyName } from '../../../main/contract';
import type { LiveKey } from './livePriors';
import { measures } from './liveGrid';
import { isNumberOutput } from './output';

/** Floors kept, the latest per grid and dtype: enough for a session's back-and-forth. */
const FLOORS_KEPT = 16;

export class LiveRecords {
  /** The latest record of each strategy, from every run of this session. */
  latest = $state.raw<Partial<Record<StrategyName, RunRecord>>>({});
  /** The latest floor per grid and dtype. */
  floors = $state.raw<RunRecord[]>([]);

  /** The latest floor at these settings' grid and dtype. */
  floorFor(grid: GridSettings): RunRecord | undefined {
    return this.floors.findLast((r) => measures(r, grid));
  }

  /** Whether the strategy's latest record measured these settings. */
  current(strategy: StrategyName, settings: RunSettings): boolean {
    const record = this.latest[strategy];
    return record !== undefined && measures(record, settings);
  }

  /**
   * The ticked strategies and the floor with no record at these settings (placed on the roofline, if placing);
   * a run to a number has no floor (it writes no grid) and is never placed (the roofline's bytes are a grid's).
   */
  unmeasured(settings: RunSettings, placing: boolean): LiveKey[] {
    const toGrid = !isNumberOutput(settings.reduce);
    const placed = (r: RunRecord) => !placing || !toGrid || r.bound !== undefined;
    const keys: LiveKey[] = settings.strategies.filter((s) => !(this.current(s, settings) && placed(this.latest[s]!)));
    if (toGrid && !this.floorFor(settings)) keys.push('limit');
    return keys;
  }

  note(record: RunRecord): void {
    if (record.strategy === 'limit') {
      this.floors = [...this.floors.filter((r) => !measures(r, record)).slice(-(FLOORS_KEPT - 1)), record];
    } else {
      this.latest = { ...this.latest, [record.strategy]: record };
    }
  }
}
