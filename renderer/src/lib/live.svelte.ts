// The Live switch: while it is on, a change of grid, dtype or formula
// re-runs, after a short pause, the ticked strategies whose predicted time
// fits the live budget, cheapest first, a budget at a time until every one
// that fits on its own is measured; a newer change cancels the run in
// flight. What it measured is in liveRecords, what it predicts in liveCosts.
// It never blocks the renderer (the engine runs in a process of its own) and
// never runs beside Run, a lesson step or a sweep: those hold it meanwhile.

import type {
  AppInfo,
  GridSettings,
  GuardReport,
  LabApi,
  LabStrategyName,
  RunFailure,
  RunRecord,
  RunSettings,
  StrategyName,
} from '../../../main/contract';
import { planLiveRun, type BarState, type Candidate, type LivePlan } from './livePlan';
import type { LiveKey } from './livePriors';
import { LiveCalibration } from './liveCalibration';
import { OpeningRun } from './liveOpening';
import { LiveCosts } from './liveCosts.svelte';
import { LiveRecords } from './liveRecords.svelte';
import { gridKey, measures } from './liveGrid';

export type { BarState, LiveKey };
export { measures };

/** The live run's budget, all its strategies together: a bar moves about half a second after the slider stops. */
export const LIVE_BUDGET_MS = 500;
/** A run starts once the settings have been still this long, so a drag does not start a run per pixel. */
export const LIVE_DEBOUNCE_MS = 150;
/** Live runs name themselves with this prefix, so the app can keep them out of the results table. */
const LIVE_RUN_PREFIX = 'live-';

/** What Live needs of the app: its shell, its settings and whether the formula is checked. */
export interface LiveHost {
  readonly api: LabApi;
  /** Which strategies are the lab's own (calibrated at launch), once the engine has said. */
  readonly info: AppInfo | null;
  settings(): RunSettings;
  readonly formula: string;
  readonly checkedFormula: string;
  readonly formulaValid: boolean;
}

interface Flight {
  runId: string;
  grid: GridSettings;
  strategies: StrategyName[];
  cancelling: boolean;
}

export class Live {
  on = $state(true);
  /** The live run in flight, if any. */
  flight = $state.raw<Flight | null>(null);
  /** A live run is waiting for the settings to stay still. */
  pending = $state(false);
  /** Run, a lesson step or a sweep has the engine (a count of holds): live runs wait. */
  held = $state(0);
  /** What went wrong in the latest finished live run (cancels apart). */
  failures = $state.raw<RunFailure[]>([]);
  /** Live runs started, finished, and cancelled by a newer setting (the engine said so). */
  counts = $state({ started: 0, finished: 0, cancelled: 0 });

  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  /** What live runs have tried since the settings last changed: a strategy that fails is not retried in a loop. */
  private tried: LiveKey[] = [];
  private requestedKey: string | null = null;
  /** Something was interrupted or changed while held: look again on release. */
  private dirty = false;
  private settled: Promise<void> | null = null;
  /** A machine profile exists now: a record the engine did not place on it is not current. */
  private placing = false;

  /** What each strategy costs on this machine, as far as Live knows. */
  readonly costs = new LiveCosts();
  /** The latest record of each strategy and the latest floors. */
  readonly records = new LiveRecords();

  /** The engine's calibration at launch. */
  private readonly calibration: LiveCalibration;
  /** When the opening grid's run has ended: the 3D view is made after it. */
  readonly opening = new OpeningRun();

  constructor(private readonly host: LiveHost) {
    this.calibration = new LiveCalibration(host.api, this.costs);
  }

  /**
   * Listens to every run's events, calibrates, and times the opening grid at
   * once: a newcomer sees time bars without pressing anything.
   */
  start(): void {
    this.host.api.on('run:record', ({ record }) => this.noteRecord(record));
    const settings = this.host.settings();
    this.requestedKey = gridKey(settings);
    const lab: readonly StrategyName[] = this.host.info?.strategies.lab ?? [];
    this.settled = this.calibration.atLaunch(lab, settings);
    // Held already (the machine's profile is loading): the opening grid is timed on release.
    if (this.on && this.held) this.dirty = true;
    else if (this.on) this.arm(0);
  }

  /** Strategies whose probe settled after launch (the GPU): the ticked lab ones are calibrated, then timed. */
  arrived(strategies: readonly StrategyName[]): void {
    const lab: readonly StrategyName[] = this.host.info?.strategies.lab ?? [];
    const settings = this.host.settings();
    this.calibration.addLater(
      strategies.filter((s): s is LabStrategyName => lab.includes(s) && settings.strategies.includes(s)),
    );
    // Busy or about to be: the run in flight takes them when it ends (as the opening run takes the GPU's).
    if (!this.on || this.held > 0 || this.flight || this.pending || this.timer) return;
    const later = this.calibration.takeLater();
    if (!later.length) return;
    this.settled = this.calibration.calibrate(later, settings);
    this.arm(0);
  }

  /** Whether a run is one of Live's (its records stay out of the results table). */
  owns(runId: string): boolean {
    return runId.startsWith(LIVE_RUN_PREFIX);
  }

  /**
   * The machine has just been measured: the bars at these settings are timed
   * again (what fits the budget), so that their records are placed on its
   * roofline; each strategy once, as ever.
   */
  retime(): void {
    this.placing = true;
    this.tried = [];
    if (!this.on) return;
    if (this.held > 0) this.dirty = true;
    else this.arm(0);
  }

  setOn(on: boolean): void {
    this.on = on;
    if (on) {
      this.tried = [];
      this.arm(0);
    } else {
      this.opening.done();
      this.clearTimer();
      this.cancelFlight();
    }
  }

  /** Call after any setting changed; only a new grid, dtype or formula starts a live run. */
  settingsChanged(): void {
    const key = gridKey(this.host.settings());
    if (key === this.requestedKey) return;
    this.requestedKey = key;
    this.generation++;
    this.tried = [];
    if (!this.on) return;
    // The run in flight measures settings the user has left: stop it now, not after the pause.
    this.cancelFlight();
    if (this.held > 0) this.dirty = true;
    else this.arm(LIVE_DEBOUNCE_MS);
  }

  /** Stops live runs until release(), and waits for the one in flight to stop. */
  async hold(): Promise<void> {
    this.held++;
    this.opening.done();
    if (this.timer || this.flight || this.pending) this.dirty = true;
    this.clearTimer();
    this.cancelFlight();
    await this.settled;
  }

  release(): void {
    this.held = Math.max(0, this.held - 1);
    if (this.held === 0 && this.dirty && this.on) {
      this.dirty = false;
      this.arm(LIVE_DEBOUNCE_MS);
    }
  }

  /**
   * The next live run at these settings: of what is not measured there yet
   * (nor tried since the settings last changed), what fits the budget.
   */
  plan(settings: RunSettings): LivePlan<LiveKey> {
    const candidates: Candidate<LiveKey>[] = this.records
      .unmeasured(settings, this.placing)
      .filter((key) => !this.tried.includes(key))
      .map((key) => ({ key, predictedMs: this.costs.predictedMs(key, settings) }));
    return planLiveRun(candidates, LIVE_BUDGET_MS);
  }

  /** Where a strategy's bar stands against the settings: over the budget on its own, it waits for Run. */
  barState(strategy: StrategyName, settings: RunSettings): BarState {
    if (this.records.current(strategy, settings)) return { kind: 'current' };
    if (!this.on) return { kind: 'stale' };
    const predictedMs = this.costs.predictedMs(strategy, settings);
    if (!(predictedMs <= LIVE_BUDGET_MS)) return { kind: 'over-budget', predictedMs };
    return { kind: this.pending || this.flight || this.held ? 'measuring' : 'stale' };
  }

  private arm(delayMs: number): void {
    this.clearTimer();
    const generation = this.generation;
    this.pending = true;
    this.timer = setTimeout(() => void this.fire(generation), delayMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = false;
  }

  private cancelFlight(): void {
    const flight = this.flight;
    if (!flight || flight.cancelling) return;
    this.flight = { ...flight, cancelling: true };
    this.host.api.invoke('run:cancel', { runId: flight.runId }).catch(() => undefined);
  }

  private stillWanted(generation: number): boolean {
    return generation === this.generation && this.on && this.held === 0;
  }

  private async fire(generation: number): Promise<void> {
    this.timer = null;
    if (!this.stillWanted(generation)) return this.settle();
    // The engine takes one run at a time: the cancelled one (or the calibration) must stop first.
    await this.settled;
    if (!this.stillWanted(generation) || this.timer) return this.settle();
    // A formula the calibration has compiled is sound; another waits for its check (on its way: look again shortly).
    if (!this.costs.calibrations.some((c) => c.formula === this.host.formula)) {
      if (this.host.formula !== this.host.checkedFormula) return this.arm(60);
      if (!this.host.formulaValid) return void (this.pending = false);
    }
    const settings = this.host.settings();
    const plan = this.plan(settings);
    const strategies = settings.strategies.filter((s) => plan.run.includes(s));
    const includeFloor = plan.run.includes('limit');
    const guard: GuardReport | null = strategies.length
      ? await this.host.api.invoke('run:guard', { ...settings, strategies }).catch(() => null)
      : { entries: [] };
    if (!this.stillWanted(generation) || this.timer || this.flight) return this.settle();
    // Cheapest first: as many bars as possible, as soon as possible (the rows keep the lesson's order).
    const fitting = strategies
      .filter((s) => guard?.entries.find((e) => e.strategy === s)?.fits !== false)
      .sort((a, b) => this.costs.predictedMs(a, settings) - this.costs.predictedMs(b, settings));
    this.tried.push(...plan.run.filter((key) => !this.tried.includes(key)));
    this.pending = false;
    if (fitting.length === 0 && !includeFloor) return this.opening.done();

    const runId = `${LIVE_RUN_PREFIX}${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const { strategies: _strategies, repeats: _repeats, devices: _devices, ...grid } = settings;
    this.flight = { runId, grid, strategies: fitting, cancelling: false };
    this.counts.started++;
    this.settled = this.host.api
      .invoke('run:start', { ...settings, strategies: fitting, runId, includeFloor })
      .then(
        (result) => {
          if (result.cancelled) {
            this.counts.cancelled++;
            // Cut short, not failed: what it did not measure may be tried again at these settings.
            this.tried = this.tried.filter((key) => !plan.run.includes(key));
          } else {
            this.counts.finished++;
            this.failures = result.failures.filter((f) => f.kind !== 'cancelled');
            // The opening grid's bars are in: now the strategies whose calibration was left for later.
            const later = this.calibration.takeLater();
            if (later.length && this.held === 0) this.settled = this.calibration.calibrate(later, settings);
            // The settings are still: the next budget's worth, until all that fit are measured.
            if (this.stillWanted(generation) && !this.timer) this.arm(0);
          }
        },
        // The engine was busy (a sweep the app did not hold for) or crashed: the app says so elsewhere.
        () => undefined,
      )
      .finally(() => {
        if (this.flight?.runId === runId) this.flight = null;
        this.opening.done();
      });
  }

  /** A live run is pending only while a timer is set for it. */
  private settle(): void {
    this.opening.done();
    if (!this.timer) this.pending = false;
  }

  private noteRecord(record: RunRecord): void {
    this.costs.noteRecord(record);
    this.records.note(record);
  }
}
