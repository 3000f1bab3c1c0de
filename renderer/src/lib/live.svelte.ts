// The Live switch: while it is on, a change of grid, dtype or formula
// re-runs, after a short pause, the ticked strategies whose predicted time
// fits the live budget, cheapest first, a budget at a time until every one
// that fits on its own is measured; a newer change cancels the run in
// flight. It keeps the latest record of every strategy (from Run's batches
// and its own) and the figures of its last runs at a few sizes, for the
// predictions. It never blocks the renderer (the engine runs in a process of its own)
// and never runs beside Run, a lesson step or a sweep: those hold it while
// they work.

import type { DType, GridSettings, GuardReport, LabApi, RunFailure, RunRecord, RunSettings, StrategyName } from '../../../main/contract';
import { nearestMeasurement, planLiveRun, pointsOf, predictRunMs, type Candidate, type LivePlan, type Measurement } from './livePlan';

/** The live run's budget, all its strategies together: a bar moves about half a second after the slider stops. */
export const LIVE_BUDGET_MS = 500;
/** A run starts once the settings have been still this long, so a drag does not start a run per pixel. */
export const LIVE_DEBOUNCE_MS = 150;
/** Live runs name themselves with this prefix, so the app can keep them out of the results table. */
const LIVE_RUN_PREFIX = 'live-';
/** Sizes remembered per strategy and dtype, to predict from the nearest. */
const MEASUREMENTS_KEPT = 8;

export type LiveKey = StrategyName | 'limit';

/**
 * A deliberately pessimistic first guess of what a strategy costs, used until
 * it has been measured on this machine: per point of one call and the
 * compile part of the first call; and, measured or not, the work per point
 * outside the timed calls (the reference check) and the fixed cost a record
 * does not show (a peer's Python process and its imports).
 */
const FIRST_GUESS: Record<LiveKey, { callNsPerPoint: number; compileMs: number; overheadNsPerPoint: number; startMs: number }> = {
  loops: { callNsPerPoint: 1500, compileMs: 50, overheadNsPerPoint: 20, startMs: 0 },
  naive: { callNsPerPoint: 2, compileMs: 40, overheadNsPerPoint: 5, startMs: 0 },
  meshgrid: { callNsPerPoint: 10, compileMs: 5, overheadNsPerPoint: 20, startMs: 0 },
  'meshgrid-eager': { callNsPerPoint: 60, compileMs: 60, overheadNsPerPoint: 20, startMs: 0 },
  vmap: { callNsPerPoint: 10, compileMs: 10, overheadNsPerPoint: 20, startMs: 0 },
  pmap: { callNsPerPoint: 10, compileMs: 20, overheadNsPerPoint: 20, startMs: 0 },
  gpu: { callNsPerPoint: 10, compileMs: 200, overheadNsPerPoint: 20, startMs: 0 },
  // The peers start Python and import NumPy or JAX for every run: never within the live budget, so Run times them.
  numpy: { callNsPerPoint: 20, compileMs: 0, overheadNsPerPoint: 20, startMs: 1000 },
  'jax-vmap': { callNsPerPoint: 20, compileMs: 300, overheadNsPerPoint: 20, startMs: 2000 },
  'jax-pmap': { callNsPerPoint: 20, compileMs: 300, overheadNsPerPoint: 20, startMs: 2000 },
  limit: { callNsPerPoint: 5, compileMs: 5, overheadNsPerPoint: 0, startMs: 0 },
};

function firstGuess(key: LiveKey): Measurement {
  const guess = FIRST_GUESS[key];
  const callMs = guess.callNsPerPoint * 1e-6;
  return { points: 1, callMs, firstMs: guess.compileMs + callMs, overheadNsPerPoint: guess.overheadNsPerPoint };
}

/** The settings that make a grid (all but the strategies, repeats and threads), as fields to compare. */
function gridOf(settings: GridSettings | RunSettings): Record<string, unknown> {
  const { strategies: _strategies, repeats: _repeats, devices: _devices, ...grid } = settings as RunSettings;
  return grid;
}

/**
 * Whether a record measured exactly these settings: every grid setting (nx,
 * ny, the domain, the dtype, the formula, but the floor has no formula) that
 * the record also carries under the same name.
 */
export function measures(record: RunRecord, settings: GridSettings | RunSettings): boolean {
  const r = record as RunRecord & Record<string, unknown>;
  for (const [key, value] of Object.entries(gridOf(settings))) {
    if (!(key in r) || (key === 'formula' && record.strategy === 'limit')) continue;
    if (JSON.stringify(r[key]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/** Two settings make the same grid when their keys are equal: a new grid size, domain, dtype or formula is a change. */
function gridKey(settings: GridSettings | RunSettings): string {
  return JSON.stringify(Object.entries(gridOf(settings)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** What Live needs of the app: its shell, its settings and whether the formula is checked. */
export interface LiveHost {
  readonly api: LabApi;
  settings(): RunSettings;
  readonly formula: string;
  readonly checkedFormula: string;
  readonly formulaValid: boolean;
}

/** How a strategy's bar stands against the current settings. */
export type BarState =
  /** measured at these settings */
  | { kind: 'current' }
  /** a live run is on its way */
  | { kind: 'measuring' }
  /** over the live budget: Run would take about this long */
  | { kind: 'over-budget'; predictedMs: number }
  /** from other settings, with Live off (or the memory guard refusing it) */
  | { kind: 'stale' };

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
  /** The latest record of each strategy, from every run of this session. */
  latest = $state.raw<Partial<Record<StrategyName, RunRecord>>>({});
  /** The latest floor per grid and dtype. */
  floors = $state.raw<RunRecord[]>([]);
  /** What went wrong in the latest finished live run (cancels apart). */
  failures = $state.raw<RunFailure[]>([]);
  /** Live runs started, finished, and cancelled by a newer setting (the engine said so). */
  counts = $state({ started: 0, finished: 0, cancelled: 0 });
  /** Each strategy's last runs per dtype (a few sizes), as the predictions need them. */
  private measured = $state.raw<Partial<Record<string, Measurement[]>>>({});

  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  /** What live runs have tried since the settings last changed: a strategy that fails is not retried in a loop. */
  private tried: LiveKey[] = [];
  private requestedKey: string | null = null;
  /** Something was interrupted or changed while held: look again on release. */
  private dirty = false;
  private settled: Promise<void> | null = null;

  constructor(private readonly host: LiveHost) {}

  /** Listens to every run's events; the settings as they are now are the starting point, not a change. */
  start(): void {
    this.host.api.on('run:record', ({ record }) => this.noteRecord(record));
    this.requestedKey = gridKey(this.host.settings());
  }

  /** Whether a run is one of Live's (its records stay out of the results table). */
  owns(runId: string): boolean {
    return runId.startsWith(LIVE_RUN_PREFIX);
  }

  setOn(on: boolean): void {
    this.on = on;
    if (on) {
      this.tried = [];
      this.arm(0);
    } else {
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

  /** The predicted wall time of running `key` at these settings, from its last measurement (or a first guess). */
  predictedMs(key: LiveKey, settings: RunSettings): number {
    const points = pointsOf(settings);
    const last =
      nearestMeasurement(this.measured[`${key}:${settings.dtype}`] ?? [], points) ?? nearestMeasurement(this.measured[`${key}:${otherDtype(settings.dtype)}`] ?? [], points) ?? firstGuess(key);
    return FIRST_GUESS[key].startMs + predictRunMs(last, points, settings.repeats);
  }

  /**
   * The next live run at these settings: of what is not measured there yet
   * (nor tried since the settings last changed), what fits the budget.
   */
  plan(settings: RunSettings): LivePlan<LiveKey> {
    const unmeasured: LiveKey[] = settings.strategies.filter((s) => !(this.latest[s] && measures(this.latest[s], settings)));
    if (!this.floorFor(settings)) unmeasured.push('limit');
    const candidates: Candidate<LiveKey>[] = unmeasured.filter((key) => !this.tried.includes(key)).map((key) => ({ key, predictedMs: this.predictedMs(key, settings) }));
    return planLiveRun(candidates, LIVE_BUDGET_MS);
  }

  /** Where a strategy's bar stands against the settings: over the budget on its own, it waits for Run. */
  barState(strategy: StrategyName, settings: RunSettings): BarState {
    const record = this.latest[strategy];
    if (record && measures(record, settings)) return { kind: 'current' };
    if (!this.on) return { kind: 'stale' };
    const predictedMs = this.predictedMs(strategy, settings);
    if (!(predictedMs <= LIVE_BUDGET_MS)) return { kind: 'over-budget', predictedMs };
    return { kind: this.pending || this.flight || this.held ? 'measuring' : 'stale' };
  }

  /** The latest floor at these settings' grid and dtype. */
  floorFor(grid: GridSettings): RunRecord | undefined {
    return this.floors.findLast((r) => measures(r, grid));
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
    // The formula check is on its way: look again shortly.
    if (this.host.formula !== this.host.checkedFormula) {
      this.arm(60);
      return;
    }
    if (!this.host.formulaValid) {
      this.pending = false;
      return;
    }
    // The engine takes one run at a time: the cancelled one must stop first.
    await this.settled;
    if (!this.stillWanted(generation) || this.timer) return this.settle();
    const settings = this.host.settings();
    const plan = this.plan(settings);
    const strategies = settings.strategies.filter((s) => plan.run.includes(s));
    const includeFloor = plan.run.includes('limit');
    const guard: GuardReport | null = strategies.length ? await this.host.api.invoke('run:guard', { ...settings, strategies }).catch(() => null) : { entries: [] };
    if (!this.stillWanted(generation) || this.timer || this.flight) return this.settle();
    const fitting = strategies.filter((s) => guard?.entries.find((e) => e.strategy === s)?.fits !== false);
    this.tried.push(...plan.run.filter((key) => !this.tried.includes(key)));
    this.pending = false;
    if (fitting.length === 0 && !includeFloor) return;

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
            // The settings are still: the next budget's worth, until all that fit are measured.
            if (this.stillWanted(generation) && !this.timer) this.arm(0);
          }
        },
        // The engine was busy (a sweep the app did not hold for) or crashed: the app says so elsewhere.
        () => undefined,
      )
      .finally(() => {
        if (this.flight?.runId === runId) this.flight = null;
      });
  }

  /** A live run is pending only while a timer is set for it. */
  private settle(): void {
    if (!this.timer) this.pending = false;
  }

  private noteRecord(record: RunRecord): void {
    const guess = FIRST_GUESS[record.strategy];
    const measurement: Measurement = { points: pointsOf(record), callMs: record.minMs, firstMs: record.firstMs, overheadNsPerPoint: guess.overheadNsPerPoint };
    const key = `${record.strategy}:${record.dtype}`;
    // The latest at each size, a few sizes kept.
    const kept = (this.measured[key] ?? []).filter((m) => m.points !== measurement.points).slice(-(MEASUREMENTS_KEPT - 1));
    this.measured = { ...this.measured, [key]: [...kept, measurement] };
    if (record.strategy === 'limit') {
      this.floors = [...this.floors.filter((r) => !measures(r, record)).slice(-15), record];
    } else {
      this.latest = { ...this.latest, [record.strategy]: record };
    }
  }
}

function otherDtype(dtype: DType): DType {
  return dtype === 'float32' ? 'float64' : 'float32';
}
