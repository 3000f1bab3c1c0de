// The app's state, the one thing that spans the whole window: the settings
// the user is choosing, what the engine said about them (formula check,
// memory guard, surface), and the runs. Components read it and call its
// methods; only it talks to the shell (its file exports through the
// LabExports it holds; menu commands map onto it in menuCommands.ts).
// Requests that follow the slider (preview, guard) are coalesced: one in
// flight, the latest settings next, so dragging stays smooth however slow
// the engine is.

import type {
  AppInfo,
  DType,
  FormulaCheck,
  GridSettings,
  GuardReport,
  LabApi,
  MenuCommand,
  PreviousSession,
  RunFailure,
  RunProgress,
  RunRecord,
  RunSettings,
  StrategyName,
  SurfaceView,
  TracedView,
} from '../../../main/contract';
import type { GridLimits } from '../../../compute/limits';
import { coalesce } from './coalesce';
import { sameGrid } from './gridKey';
import { LabExports } from './labExports';
import { applyMenuCommand } from './menuCommands';
import type { Message } from './saveOutcome';
import { defaultSurfaceStyle, type SurfaceStyle } from './surfaceStyle';
import { Layout } from './layout.svelte';
import { Live } from './live.svelte';

export type Tab = 'compare' | 'table' | 'lesson' | 'graph' | 'machine';

export interface Batch {
  runId: string;
  settings: RunSettings;
  records: RunRecord[];
  failures: RunFailure[];
  /** Strategies asked for, in the lesson's order (those skipped by the guard included). */
  strategies: StrategyName[];
  done: boolean;
  cancelled: boolean;
}

export interface Running {
  runId: string;
  progress: RunProgress | null;
  index: number;
  total: number;
  cancelling: boolean;
}

/** Loops above this n takes minutes; it starts unticked there, and the user may tick it. */
export const LOOPS_COMFORTABLE_N = 2000;

export class Lab {
  info = $state.raw<AppInfo | null>(null);
  connectionError = $state<string | null>(null);

  /** Points along x and along y: the grid is nx × ny, z[i, j] = f(x[i], y[j]). */
  nx = $state(1000);
  ny = $state(1000);
  /** Whether the two grid-size sliders move together (a square grid); the lock unlinks them. */
  linked = $state(true);
  /** The domain of x and of y. */
  xRange = $state.raw<[number, number]>([-2, 2]);
  yRange = $state.raw<[number, number]>([-2, 2]);
  dtype = $state<DType>('float32');
  formula = $state('');
  repeats = $state(3);
  /** pmap's devices; 0 = all. */
  threads = $state(0);
  selected = $state<StrategyName[]>([]);

  formulaCheck = $state.raw<FormulaCheck | null>(null);
  /** The formula text the check above is for. */
  checkedFormula = $state('');
  guard = $state.raw<GuardReport | null>(null);
  surface = $state.raw<SurfaceView | null>(null);
  surfaceError = $state<string | null>(null);
  /** f as the engine traces it, for the settings it names; fetched only while its tab is open. */
  traced = $state.raw<{ settings: GridSettings; view: TracedView | { error: string } } | null>(null);

  batch = $state.raw<Batch | null>(null);
  /** Every run of this session (and those restored), oldest first. */
  history = $state.raw<RunRecord[]>([]);
  running = $state.raw<Running | null>(null);
  previousSession = $state.raw<PreviousSession | null>(null);
  engineCrash = $state<string | null>(null);
  message = $state<Message | null>(null);

  projector = $state(false);
  /** How the surface is drawn (colormap, contours, wireframe, z-scale); replaced whole, never mutated. */
  surfaceStyle = $state.raw<SurfaceStyle>(defaultSurfaceStyle());
  tab = $state<Tab>('compare');
  /** Bumped to ask the surface to reset its view / export a PNG (menu shortcuts). */
  resetViewRequest = $state(0);
  pngRequest = $state(0);
  /** Bumped by File ▸ Save Settings…; the classroom, which owns the settings file, answers it. */
  saveSettingsRequest = $state(0);
  /** The bundled guide (Help ▸ Guide) is open over the window. */
  guideOpen = $state(false);
  /** What the teacher hides, and the presenter layout. */
  readonly layout = new Layout();
  /** The session's runs, the grid and the surface's image, written to files. */
  readonly exports: LabExports = new LabExports(this);

  /** Every strategy in the lesson's order, the Python peers last, as AppInfo gives them (the engine's one list). */
  readonly lessonOrder: readonly StrategyName[] = $derived(this.info ? [...this.info.strategies.lab, ...this.info.strategies.peers] : []);
  readonly formulaValid = $derived(this.formulaCheck?.ok === true && this.checkedFormula === this.formula);
  readonly available = $derived(new Set((this.info?.availability ?? []).filter((a) => a.available).map((a) => a.strategy)));
  /** Strategies ticked, available and not hidden by the layout, in the lesson's order. */
  readonly chosen = $derived(this.lessonOrder.filter((s) => this.selected.includes(s) && this.available.has(s) && this.layout.showsStrategy(s)));
  readonly refused = $derived((this.guard?.entries ?? []).filter((e) => !e.fits && this.chosen.includes(e.strategy)));
  readonly runnable = $derived(this.chosen.filter((s) => !this.refused.some((e) => e.strategy === s)));

  /** The Live switch: re-runs what fits a budget as the settings change. */
  readonly live: Live;
  /** Run was pressed and waits for a live run to stop. */
  private runRequested = false;

  constructor(readonly api: LabApi) {
    this.live = new Live(this);
  }

  async start(): Promise<void> {
    this.api.on('run:progress', ({ runId, progress, index, total }) => {
      if (this.running?.runId === runId) this.running = { ...this.running, progress, index, total };
    });
    this.api.on('run:record', ({ runId, record, surface }) => {
      // Live runs follow the slider: their bars move, but the table keeps what Run measured.
      if (!this.live.owns(runId)) this.history = [...this.history, record];
      if (this.batch?.runId === runId) this.batch = { ...this.batch, records: [...this.batch.records, record] };
      if (surface && sameGrid(surface, this.settings()) && !this.sameRunSurface(runId, surface)) this.surface = surface;
    });
    this.api.on('run:failure', ({ runId, failure }) => {
      if (this.batch?.runId === runId) this.batch = { ...this.batch, failures: [...this.batch.failures, failure] };
    });
    this.api.on('engine:crashed', ({ message }) => {
      this.engineCrash = `${message}. A fresh engine has been started; the run that was going has stopped.`;
    });
    this.api.on('menu:command', ({ command }) => this.command(command));

    const info = await this.api.invoke('app:info', null);
    this.info = info;
    this.formula = info.defaultFormula;
    this.xRange = [info.gridRange[0], info.gridRange[1]];
    this.yRange = [info.gridRange[0], info.gridRange[1]];
    this.previousSession = info.previousSession;
    // The Python peers start unticked: each starts a Python process, and the lesson's own steps come first.
    this.selected = info.availability.filter((a) => a.available && !info.strategies.peers.includes(a.strategy)).map((a) => a.strategy);
    this.live.start();
    this.settingsChanged();
  }

  /**
   * A live run's grid where another run's grid of the same settings is shown
   * already: the same values, and redrawing them costs a frame (300 ms on a
   * software GPU) for nothing.
   */
  private sameRunSurface(runId: string, surface: SurfaceView): boolean {
    return this.live.owns(runId) && this.surface !== null && this.surface.source !== 'preview' && sameGrid(this.surface, surface);
  }

  /**
   * The app's size limits: n's range, the slider's, the sweep's and the domain's bound, as the engine defines
   * them (compute/limits.ts, sent in AppInfo). The panels that read them are shown only once AppInfo has arrived.
   */
  get limits(): GridLimits {
    if (!this.info) throw new Error('The lab has not started: AppInfo, which carries the size limits, has not arrived yet.');
    return this.info.limits;
  }

  /** The square side, for what speaks of one size (presets, presenter line): nx. Sizes in points are nx·ny. */
  get n(): number {
    return this.nx;
  }

  /** The grid's points, nx·ny. */
  get points(): number {
    return this.nx * this.ny;
  }

  /** The grid and the formula, as the engine's requests take them. */
  grid(): GridSettings {
    return { nx: this.nx, ny: this.ny, xRange: this.xRange, yRange: this.yRange, dtype: this.dtype, formula: this.formula };
  }

  settings(): RunSettings {
    return {
      ...this.grid(),
      strategies: this.chosen,
      repeats: this.repeats,
      devices: this.threads,
    };
  }

  /** Call after any setting changed: checks the formula, then asks for the guard and the preview. */
  settingsChanged(): void {
    this.checkFormula(this.formula);
    this.followSettings(this.settings());
    this.live.settingsChanged();
  }

  /** A square n × n grid (the presets), whether or not the sliders are linked. */
  setN(n: number): void {
    this.setGridSize(n, n);
  }

  /** nx from its slider: ny follows while the sliders are linked. */
  setNx(nx: number): void {
    this.setGridSize(nx, this.linked ? nx : this.ny);
  }

  /** ny from its slider: nx follows while the sliders are linked. */
  setNy(ny: number): void {
    this.setGridSize(this.linked ? ny : this.nx, ny);
  }

  /** Locks or unlocks the sliders; locking makes the grid square at nx. */
  setLinked(linked: boolean): void {
    this.linked = linked;
    if (linked && this.ny !== this.nx) this.setGridSize(this.nx, this.nx);
  }

  /** A new domain for x or y; the caller has checked it (finite, increasing). */
  setRange(axis: 'x' | 'y', range: [number, number]): void {
    if (axis === 'x') this.xRange = range;
    else this.yRange = range;
    this.settingsChanged();
  }

  private setGridSize(nx: number, ny: number): void {
    // Loops are comfortable up to 2000 × 2000 points, whatever the grid's shape.
    const comfortable = LOOPS_COMFORTABLE_N * LOOPS_COMFORTABLE_N;
    const wasComfortable = this.points <= comfortable;
    this.nx = nx;
    this.ny = ny;
    const isComfortable = this.points <= comfortable;
    if (wasComfortable && !isComfortable) this.selected = this.selected.filter((s) => s !== 'loops');
    if (!wasComfortable && isComfortable && this.available.has('loops') && !this.selected.includes('loops')) {
      this.selected = [...this.selected, 'loops'];
    }
    this.settingsChanged();
  }

  toggle(strategy: StrategyName, on: boolean): void {
    this.selected = on ? [...new Set([...this.selected, strategy])] : this.selected.filter((s) => s !== strategy);
    this.settingsChanged();
  }

  private readonly checkFormula = coalesce(async (text: string) => {
    try {
      const check = await this.api.invoke('formula:check', { text });
      this.formulaCheck = check;
      this.checkedFormula = text;
    } catch (error) {
      this.formulaCheck = { ok: false, message: error instanceof Error ? error.message : String(error), position: 0, length: 0 };
      this.checkedFormula = text;
    }
    if (this.formulaCheck?.ok) this.followSettings(this.settings());
  }, 120);

  private readonly followSettings = coalesce(async (settings: RunSettings) => {
    // A formula not yet checked, or wrong, has no surface and no guard: the check will call back.
    if (settings.formula !== this.checkedFormula || !this.formulaCheck?.ok) return;
    // A surface of this very grid is drawn already (a strategy or the repeats changed): redrawing it costs 50 ms of the page's time for nothing.
    const drawn = this.surface !== null && !this.surfaceError && sameGrid(this.surface, settings);
    const [guard, surface] = await Promise.all([
      this.api.invoke('run:guard', settings).catch(() => null),
      drawn
        ? null
        : this.api.invoke('surface:preview', { nx: settings.nx, ny: settings.ny, xRange: settings.xRange, yRange: settings.yRange, dtype: settings.dtype, formula: settings.formula }).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) })),
    ]);
    if (!sameGrid(settings, this.settings())) return;
    this.guard = guard;
    if (!surface) return;
    if ('error' in surface) {
      this.surfaceError = surface.error;
    } else {
      this.surfaceError = null;
      // A run's grid at these settings beats a preview of them.
      if (!this.surface || !sameGrid(this.surface, settings) || this.surface.source === 'preview') this.surface = surface;
    }
  }, 40);

  /** Asks for the traced graphs at the current settings (the Traced graph tab calls this as they change). */
  requestTrace(): void {
    if (!this.formulaValid) return;
    this.traceSettings(this.grid());
  }

  private readonly traceSettings = coalesce(async (settings: GridSettings) => {
    const view = await this.api.invoke('graph:trace', settings).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
    if (sameGrid(settings, this.settings())) this.traced = { settings, view };
  }, 80);

  /** Times every ticked strategy, however long: a live run in flight is cancelled first. */
  async run(): Promise<void> {
    if (this.running || this.runRequested || !this.formulaValid) return;
    this.runRequested = true;
    try {
      await this.live.hold();
    } finally {
      this.runRequested = false;
    }
    try {
      await this.runTicked();
    } finally {
      this.live.release();
    }
  }

  private async runTicked(): Promise<void> {
    if (this.running || !this.formulaValid) return;
    const settings = this.settings();
    const strategies = this.runnable;
    const runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const skipped: RunFailure[] = this.refused.map((e) => ({ strategy: e.strategy, kind: 'guard', message: e.message ?? 'would not fit in memory' }));
    this.batch = { runId, settings, records: [], failures: skipped, strategies: settings.strategies, done: false, cancelled: false };
    this.engineCrash = null;
    this.message = null;
    if (strategies.length === 0) {
      this.batch = { ...this.batch, done: true };
      this.message = { kind: 'error', text: skipped.length ? 'None of the ticked strategies fits in memory at this n.' : 'Tick at least one strategy to run.' };
      return;
    }
    this.running = { runId, progress: null, index: 0, total: strategies.length, cancelling: false };
    try {
      const result = await this.api.invoke('run:start', { ...settings, strategies, runId, includeFloor: true });
      if (this.batch?.runId === runId) this.batch = { ...this.batch, done: true, cancelled: result.cancelled };
    } catch (error) {
      this.message = { kind: 'error', text: `The run failed: ${error instanceof Error ? error.message : String(error)}` };
      if (this.batch?.runId === runId) this.batch = { ...this.batch, done: true };
    } finally {
      this.running = null;
    }
  }

  async cancel(): Promise<void> {
    const running = this.running;
    if (!running || running.cancelling) return;
    this.running = { ...running, cancelling: true };
    await this.api.invoke('run:cancel', { runId: running.runId });
  }

  async restoreSession(): Promise<void> {
    const { records } = await this.api.invoke('session:restore', null);
    this.history = [...records, ...this.history];
    this.previousSession = null;
    this.tab = 'table';
  }

  async dismissSession(): Promise<void> {
    await this.api.invoke('session:dismiss', null);
    this.previousSession = null;
  }

  /** A menu command (or its shortcut). */
  command(command: MenuCommand): void {
    applyMenuCommand(this, command);
  }
}
