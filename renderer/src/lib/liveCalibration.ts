// Live's calibration at launch: the engine times each of the lab's own
// strategies on tiny grids, the CPU's at once and the GPU's (whose adapter
// takes longest to warm, and may be probed only after launch) once the
// opening grid's bars are in. Where it fails, the first guesses stand.

import type { LabApi, LabStrategyName, RunSettings, StrategyName } from '../../../main/contract';
import type { LiveCosts } from './liveCosts.svelte';

export class LiveCalibration {
  /** Strategies calibrated after the opening grid's bars are in (the GPU). */
  private later: LabStrategyName[] = [];

  constructor(
    private readonly api: LabApi,
    private readonly costs: LiveCosts,
  ) {}

  /** Calibrates the lab's own strategies among the ticked ones now, the GPU's later. */
  atLaunch(lab: readonly StrategyName[], settings: RunSettings): Promise<void> {
    const own = settings.strategies.filter((s): s is LabStrategyName => lab.includes(s));
    this.later = own.filter((s) => s === 'gpu');
    return this.calibrate(
      own.filter((s) => s !== 'gpu'),
      settings,
    );
  }

  /** Strategies whose probe settled after launch (the GPU), calibrated with the others left for later. */
  addLater(strategies: readonly LabStrategyName[]): void {
    this.later = [...this.later, ...strategies.filter((s) => !this.later.includes(s))];
  }

  /** The strategies left for later that nothing has measured since; asked once, then none. */
  takeLater(): LabStrategyName[] {
    const later = this.later.filter((s) => !this.costs.known(s));
    this.later = [];
    return later;
  }

  /** Times `strategies` on tiny grids (the engine's calibration). */
  async calibrate(strategies: LabStrategyName[], settings: RunSettings): Promise<void> {
    if (!strategies.length) return;
    try {
      this.costs.noteCalibration(
        await this.api.invoke('live:calibrate', { dtype: settings.dtype, formula: settings.formula, strategies }),
      );
    } catch {
      // A formula the engine refuses, or an engine busy with a task the app did not hold for: Live predicts from first
      // guesses.
    }
  }
}
