// The machine view's state: this machine's profile (caches, bandwidth per
// level, peak arithmetic per ISA, cos per ns) as the engine measured it once
// and kept it, with the roofs per dtype; its measurement's progress; and the
// charts' exports. It reads the kept profile at launch (the engines place
// records on it themselves) and measures only when asked or when its view
// opens with none kept: the measurement takes the run engine for about 10 s,
// so Live waits meanwhile. Cancel stops it (machine:cancel); once cancelled
// with none kept, it measures again only when asked.

import type { ChartFormat, ChartName, MachineProgress, MachineView } from '../../../main/contract';
import type { Lab } from '../lib/lab.svelte';
import { saveMessage } from '../lib/saveOutcome';
import { writeNsPerPoint } from './roofline';

/** 'cancelled': a measurement was stopped with none kept before it (the view waits to be asked again). */
export type MachineStatus = 'unknown' | 'missing' | 'measuring' | 'ready' | 'failed' | 'cancelled';

export class MachineState {
  view = $state.raw<MachineView | null>(null);
  status = $state<MachineStatus>('unknown');
  progress = $state.raw<MachineProgress | null>(null);
  error = $state<string | null>(null);
  /** Cancel was asked and the engine has not stopped yet. */
  cancelling = $state(false);

  constructor(private readonly lab: Lab) {}

  /** Listens for the measurement's progress, and loads the kept profile, so this session's records are placed on it. */
  start(): void {
    this.lab.api.on('machine:progress', (progress) => (this.progress = progress));
    void this.load(false, false);
  }

  /** Measures this machine (again, with `refresh`): about 10 s, with progress. */
  measure(refresh = false): Promise<void> {
    return this.load(true, refresh);
  }

  /** Stops the measurement in flight; the profile kept before it (if any) stays. */
  async cancel(): Promise<void> {
    if (this.status !== 'measuring' || this.cancelling) return;
    this.cancelling = true;
    try {
      await this.lab.api.invoke('machine:cancel', null);
    } catch (error) {
      this.cancelling = false;
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  async exportChart(chart: ChartName, format: ChartFormat, data: Uint8Array): Promise<void> {
    this.lab.message = await saveMessage(
      this.lab.api.invoke('export:chart', { chart, format, data }),
      `${chart} chart`,
      'export',
    );
  }

  /**
   * Settles when no measurement is running: an engine task asked for meanwhile waits for it instead of being
   * refused.
   */
  idle(): Promise<void> {
    return this.measuring ?? Promise.resolve();
  }

  private measuring: Promise<void> | null = null;

  private load(measure: boolean, refresh: boolean): Promise<void> {
    if (this.status === 'measuring') return this.idle();
    const loading = this.loadNow(measure, refresh);
    if (measure) this.measuring = loading.finally(() => (this.measuring = null));
    return loading;
  }

  private async loadNow(measure: boolean, refresh: boolean): Promise<void> {
    if (measure) {
      this.status = 'measuring';
      this.progress = null;
    }
    // A measurement takes the run engine alone: Live's runs wait for it (reading the kept profile takes nothing).
    if (measure) await this.lab.live.hold();
    try {
      const view = await this.lab.api.invoke('machine:profile', { measure, refresh });
      this.view = view ?? this.view;
      const profile = this.view?.profile;
      // Live's predictions never go below the roofline's floor: the output written at its level's bandwidth.
      if (profile)
        this.lab.live.costs.roof = (key, settings) =>
          key === 'limit' ? 0 : writeNsPerPoint(profile, settings.nx * settings.ny, settings.dtype);
      // Measured now: the runs at these settings are timed again, to be placed on this profile (Live waits for
      // release).
      if (view?.measured) this.lab.live.retime();
      this.status = this.view ? 'ready' : 'missing';
      this.error = null;
    } catch (error) {
      // A cancelled measurement is no failure: the kept profile (if any) stands, and none is measured unasked.
      const cancelled = error instanceof Error && 'kind' in error && error.kind === 'cancelled';
      this.status = this.view ? 'ready' : cancelled ? 'cancelled' : 'failed';
      this.error = cancelled ? null : error instanceof Error ? error.message : String(error);
    } finally {
      this.cancelling = false;
      if (measure) this.lab.live.release();
    }
  }
}

const states = new WeakMap<Lab, MachineState>();

/** Settles when the lab's machine measurement (if one was ever started) is not running. */
export function machineIdle(lab: Lab): Promise<void> {
  return states.get(lab)?.idle() ?? Promise.resolve();
}

/** The lab's one machine state, made and started on first use. */
export function machineFor(lab: Lab): MachineState {
  let state = states.get(lab);
  if (!state) {
    states.set(lab, (state = new MachineState(lab)));
    state.start();
  }
  return state;
}
