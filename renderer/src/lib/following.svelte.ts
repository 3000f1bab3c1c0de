// Following the engine as the settings change: the formula's check, the
// memory guard, the surface (a preview, or a run's grid of the same
// settings) and the traced graphs. Requests that follow the slider are
// coalesced: one in flight, the latest settings next, so dragging stays
// smooth however slow the engine is. It never starts a run.

import type {
  FormulaCheck,
  GridSettings,
  GuardReport,
  LabApi,
  RunSettings,
  SurfaceView,
  TraceRequest,
  TracedView,
} from '../../../main/contract';
import { coalesce } from './coalesce';
import { sameGrid } from './gridKey';
import { previewGridOf } from './output';

/** What following needs of the lab: its shell, its current settings, and which runs are Live's. */
export interface FollowingHost {
  readonly api: LabApi;
  readonly formula: string;
  settings(): RunSettings;
  grid(): GridSettings;
  readonly live: { owns(runId: string): boolean };
  /** The largest side the surface preview takes: a run to a number may be larger, and is previewed at this. */
  readonly previewSideMax: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Following {
  formulaCheck = $state.raw<FormulaCheck | null>(null);
  /** The formula text the check above is for. */
  checkedFormula = $state('');
  guard = $state.raw<GuardReport | null>(null);
  surface = $state.raw<SurfaceView | null>(null);
  surfaceError = $state<string | null>(null);
  /** f as the engine traces it, for the settings it names; fetched only while its tab is open. */
  traced = $state.raw<{ settings: TraceRequest; view: TracedView | { error: string } } | null>(null);

  constructor(private readonly host: FollowingHost) {}

  /** The formula on screen has been checked, and is good. */
  get formulaValid(): boolean {
    return this.formulaCheck?.ok === true && this.checkedFormula === this.host.formula;
  }

  /** Checks the formula, then asks for the guard and the preview. */
  settingsChanged(): void {
    this.checkFormula(this.host.formula);
    this.followSettings(this.host.settings());
  }

  /** A run's grid, shown when it is of the current settings and not the same values already drawn. */
  runSurface(runId: string, surface: SurfaceView): void {
    if (sameGrid(surface, this.host.settings()) && !this.sameRunSurface(runId, surface)) this.surface = surface;
  }

  /**
   * A live run's grid where another run's grid of the same settings is shown
   * already: the same values, and redrawing them costs a frame (300 ms on a
   * software GPU) for nothing.
   */
  private sameRunSurface(runId: string, surface: SurfaceView): boolean {
    return (
      this.host.live.owns(runId) &&
      this.surface !== null &&
      this.surface.source !== 'preview' &&
      sameGrid(this.surface, surface)
    );
  }

  private readonly checkFormula = coalesce(async (text: string) => {
    try {
      this.formulaCheck = await this.host.api.invoke('formula:check', { text });
    } catch (error) {
      this.formulaCheck = { ok: false, message: messageOf(error), position: 0, length: 0 };
    }
    this.checkedFormula = text;
    if (this.formulaCheck?.ok) this.followSettings(this.host.settings());
  }, 120);

  private readonly followSettings = coalesce(async (settings: RunSettings) => {
    // A formula not yet checked, or wrong, has no surface and no guard: the check will call back.
    if (settings.formula !== this.checkedFormula || !this.formulaCheck?.ok) return;
    // A surface of this very grid is drawn already (a strategy or the repeats changed): redrawing it
    // costs 50 ms of the page's time for nothing.
    const preview = previewGridOf(settings, this.host.previewSideMax);
    const drawn = this.surface !== null && !this.surfaceError && sameGrid(this.surface, preview);
    const { nx, ny, xRange, yRange, dtype, formula } = preview;
    const [guard, surface] = await Promise.all([
      this.host.api.invoke('run:guard', settings).catch(() => null),
      drawn
        ? null
        : this.host.api
            .invoke('surface:preview', { nx, ny, xRange, yRange, dtype, formula })
            .catch((e: unknown) => ({ error: messageOf(e) })),
    ]);
    if (!sameGrid(settings, this.host.settings())) return;
    this.guard = guard;
    if (!surface) return;
    if ('error' in surface) {
      this.surfaceError = surface.error;
    } else {
      this.surfaceError = null;
      // A run's grid at these settings beats a preview of them.
      if (!this.surface || !sameGrid(this.surface, preview) || this.surface.source === 'preview')
        this.surface = surface;
    }
  }, 40);

  /**
   * Asks for the traced graphs at the current settings and output (the Traced graph tab calls this as they
   * change): a number's adds the fused reduction, and is traced at its full size (tracing allocates no grid).
   */
  requestTrace(): void {
    if (!this.formulaValid) return;
    const reduce = this.host.settings().reduce;
    this.traceSettings({ ...this.host.grid(), ...(reduce ? { reduce } : {}) });
  }

  private readonly traceSettings = coalesce(async (settings: TraceRequest) => {
    const view = await this.host.api.invoke('graph:trace', settings).catch((e: unknown) => ({ error: messageOf(e) }));
    const now = this.host.settings();
    if (sameGrid(settings, now) && (settings.reduce ?? 'grid') === (now.reduce ?? 'grid'))
      this.traced = { settings, view };
  }, 80);
}
