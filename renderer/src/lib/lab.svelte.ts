// The app's state, the one thing that spans the whole window. It is built
// of small modules by idea: the settings the user is choosing (it extends
// Settings), following the engine as they change (Following: formula check,
// guard, surface, trace), the runs (Runs), the previous session (Session)
// and the exports (LabExports); menu commands map onto it in
// menuCommands.ts. Components read it and call its parts; only it and its
// parts talk to the shell.

import type { AppInfo, LabApi, MenuCommand, ReduceMode, StrategyName } from '../../../main/contract';
import type { GridLimits } from '../../../compute/limits';
import { SvelteSet } from 'svelte/reactivity';
import { Following } from './following.svelte';
import { LabExports } from './labExports';
import { applyMenuCommand } from './menuCommands';
import { Runs } from './runs.svelte';
import type { Message } from './saveOutcome';
import { Session } from './session.svelte';
import { Settings } from './settings.svelte';
import { defaultSurfaceStyle, type SurfaceStyle } from './surfaceStyle';
import { Layout } from './layout.svelte';
import { Live } from './live.svelte';
import { currentAnswer } from './answerText';
import { isNumberOutput, sideMaxOf, sliderRangeOf } from './output';
import { planRunTime, RUN_TIME_LIMIT_MS, type RunTimePlan } from './runTime';

export type Tab = 'compare' | 'table' | 'lesson' | 'graph' | 'machine';
export type { Batch, Running } from './runs.svelte';
export { LOOPS_COMFORTABLE_N } from './settings.svelte';

export class Lab extends Settings {
  info = $state.raw<AppInfo | null>(null);
  connectionError = $state<string | null>(null);
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
  /** Formula check, guard, surface and traced graphs for the current settings. */
  readonly follow: Following = new Following(this);

  /** Every strategy in the lesson's order, the Python peers last, as AppInfo gives them (the engine's one list). */
  readonly lessonOrder: readonly StrategyName[] = $derived(
    this.info ? [...this.info.strategies.lab, ...this.info.strategies.peers] : [],
  );
  /** The strategies this machine can run (read-only: a new set whenever AppInfo changes). */
  readonly available: ReadonlySet<StrategyName> = $derived(
    new SvelteSet((this.info?.availability ?? []).filter((a) => a.available).map((a) => a.strategy)),
  );
  /** Strategies ticked, available and not hidden by the layout, in the lesson's order. */
  readonly chosen = $derived(
    this.lessonOrder.filter((s) => this.selected.includes(s) && this.available.has(s) && this.layout.showsStrategy(s)),
  );
  readonly refused = $derived(
    (this.follow.guard?.entries ?? []).filter((e) => !e.fits && this.chosen.includes(e.strategy)),
  );
  /** The chosen strategies the memory guard lets run. */
  readonly fitting = $derived(this.chosen.filter((s) => !this.refused.some((e) => e.strategy === s)));
  /**
   * Run's time plan: each fitting strategy's predicted time, and, for a number (whose grid may reach 10⁵ × 10⁵
   * points), those over Run's limit skipped. A grid's size is bounded by memory, where the guard speaks.
   */
  readonly timePlan: RunTimePlan = $derived(
    planRunTime(
      this.fitting,
      (strategy) => this.live.costs.predictedMs(strategy, this.settings()),
      isNumberOutput(this.reduce) ? RUN_TIME_LIMIT_MS : Infinity,
    ),
  );
  /** What Run times: what fits in memory and in time. */
  readonly runnable = $derived(this.timePlan.run.map((s) => s.strategy));
  /** The number the surface shows, when the output is one: the best current record of the chosen strategies. */
  readonly answer = $derived(
    isNumberOutput(this.reduce)
      ? currentAnswer(
          this.chosen.flatMap((s) => [
            this.live.records.latest[s],
            this.runs.history.findLast((r) => r.strategy === s),
          ]),
          this.settings(),
        )
      : undefined,
  );

  /** The Live switch: re-runs what fits a budget as the settings change. */
  readonly live: Live;
  /** Run's batches and the session's records. */
  readonly runs: Runs;
  /** The runs kept from the previous session. */
  readonly session: Session;
  /** The session's runs, the grid and the surface's image, written to files. */
  readonly exports: LabExports;

  constructor(readonly api: LabApi) {
    super();
    const follow = this.follow;
    const formula = () => this.formula;
    const info = () => this.info;
    this.live = new Live({
      api,
      get info() {
        return info();
      },
      settings: () => this.settings(),
      get formula() {
        return formula();
      },
      get checkedFormula() {
        return follow.checkedFormula;
      },
      get formulaValid() {
        return follow.formulaValid;
      },
    });
    this.runs = new Runs(this);
    this.session = new Session(this);
    this.exports = new LabExports(this);
  }

  async start(): Promise<void> {
    this.api.on('run:progress', ({ runId, progress, index, total }) =>
      this.runs.progressed(runId, progress, index, total),
    );
    this.api.on('run:record', ({ runId, record, surface }) => {
      this.runs.recorded(runId, record);
      if (surface) this.follow.runSurface(runId, surface);
    });
    this.api.on('run:failure', ({ runId, failure }) => this.runs.failed(runId, failure));
    this.api.on('engine:crashed', ({ message }) => {
      this.engineCrash = `${message}. A fresh engine has been started; the run that was going has stopped.`;
    });
    this.api.on('menu:command', ({ command }) => this.command(command));

    const info = await this.api.invoke('app:info', null);
    this.info = info;
    this.formula = info.defaultFormula;
    this.xRange = [info.gridRange[0], info.gridRange[1]];
    this.yRange = [info.gridRange[0], info.gridRange[1]];
    this.session.previous = info.previousSession;
    // The Python peers start unticked: each starts a Python process, and the lesson's own steps come first. A lab
    // strategy still being probed (the GPU) starts ticked: it runs once its probe says it can.
    this.selected = info.availability
      .filter((a) => (a.available || a.pending) && !info.strategies.peers.includes(a.strategy))
      .map((a) => a.strategy);
    this.live.start();
    this.settingsChanged();
    if (info.availability.some((a) => a.pending)) void this.awaitProbes();
  }

  /** What AppInfo left pending, once the engine's probes settle: the GPU's toggle and Live's take it from there. */
  private async awaitProbes(): Promise<void> {
    try {
      const probed = await this.api.invoke('app:probed', null);
      const info = this.info!;
      const arrived = probed.availability.filter(
        (a) => a.available && info.availability.some((b) => b.strategy === a.strategy && b.pending),
      );
      this.info = {
        ...info,
        availability: probed.availability,
        devices: probed.devices,
        machine: { ...info.machine, gpuAdapter: probed.gpuAdapter },
      };
      this.live.arrived(arrived.map((a) => a.strategy));
    } catch (error) {
      // Not known, so not offered: each pending strategy says why instead.
      const why = `could not be probed: ${error instanceof Error ? error.message : String(error)}`;
      const info = this.info!;
      this.info = {
        ...info,
        availability: info.availability.map(({ pending, ...a }) => (pending ? { ...a, reason: why } : a)),
      };
    }
  }

  /**
   * The app's size limits: n's range, the slider's, the sweep's and the domain's bound, as the engine defines
   * them (compute/limits.ts, sent in AppInfo). The panels that read them are shown only once AppInfo has arrived.
   */
  get limits(): GridLimits {
    if (!this.info)
      throw new Error('The lab has not started: AppInfo, which carries the size limits, has not arrived yet.');
    return this.info.limits;
  }

  /** The grid-size slider's ends for the current output (a number's reach AppInfo's answer limit). */
  get sliderRange(): { sliderMin: number; sliderMax: number } {
    return sliderRangeOf(this.limits, this.reduce);
  }

  /** The largest side the surface preview takes: the grid's limit, whatever the output. */
  get previewSideMax(): number {
    return this.info?.limits.nMax ?? Infinity;
  }

  protected override sideMax(reduce: ReduceMode): number {
    return this.info ? sideMaxOf(this.info.limits, reduce) : Infinity;
  }

  protected override strategies(): StrategyName[] {
    return this.chosen;
  }

  protected override offers(strategy: StrategyName): boolean {
    return this.available.has(strategy);
  }

  /** Call after any setting changed: checks the formula, then asks for the guard and the preview. */
  override settingsChanged(): void {
    this.follow.settingsChanged();
    this.live.settingsChanged();
  }

  /** A menu command (or its shortcut). */
  command(command: MenuCommand): void {
    applyMenuCommand(this, command);
  }
}
