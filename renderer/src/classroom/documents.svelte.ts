// The shareable settings: the lab's and the classroom's settings as one
// LabSettings (a .vlab.json), saved, opened (from the page or from the
// desktop's File ▸ Open…) and remembered so the app reopens where it was,
// the teacher's layout and the theme included. It never runs what it opens.

import type { LabSettings, OpenedDocument } from '../../../main/contract';
import type { Classroom } from './classroom.svelte';
import { sideMaxOf } from '../lib/output';
import type { Theme } from '../../../compute/classroom/settingsVocabulary';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Documents {
  theme = $state<Theme>('system');
  /** The last session's settings are back (or there were none): a document opened now is not overwritten by them. */
  private restoreDone = false;
  /** Documents the desktop opened before the restore was done, applied after it. */
  private waitingDocuments: OpenedDocument[] = [];

  constructor(private readonly classroom: Classroom) {}

  settings(): LabSettings {
    const { lab, lesson, sweeps } = this.classroom;
    return {
      formula: lab.formula,
      nx: lab.nx,
      ny: lab.ny,
      // The grid, the default, is left unsaid: files from before numbers read the same.
      ...(lab.reduce !== 'grid' ? { reduce: lab.reduce } : {}),
      xRange: lab.xRange,
      yRange: lab.yRange,
      dtype: lab.dtype,
      strategies: lab.lessonOrder.filter((s) => lab.selected.includes(s)),
      lessonStep: lesson.step,
      sweep: { nMin: sweeps.sweepFrom, nMax: sweeps.sweepTo, points: sweeps.sweepPoints },
      theme: this.theme,
      projector: lab.projector,
      layout: lab.layout.settings(lab.lessonOrder),
    };
  }

  apply(settings: LabSettings): void {
    const { lab, lesson, sweeps } = this.classroom;
    lab.formula = settings.formula;
    lab.dtype = settings.dtype;
    lab.selected = settings.strategies.filter((s) => lab.available.has(s));
    const limits = lab.info?.limits;
    lab.reduce = settings.reduce ?? 'grid';
    const nMax = limits ? sideMaxOf(limits, lab.reduce) : Infinity;
    const side = (n: number) => (limits ? Math.min(nMax, Math.max(limits.nMin, n)) : n);
    lab.nx = side(settings.nx);
    lab.ny = side(settings.ny);
    lab.linked = lab.nx === lab.ny;
    lab.xRange = settings.xRange;
    lab.yRange = settings.yRange;
    lab.projector = settings.projector;
    lesson.step = settings.lessonStep;
    sweeps.sweepFrom = settings.sweep.nMin;
    sweeps.sweepTo = settings.sweep.nMax;
    sweeps.sweepPoints = settings.sweep.points;
    this.theme = settings.theme;
    lab.layout.apply(settings.layout);
    lab.settingsChanged();
  }

  /** A document the desktop opened: applied now, or once the last session's settings are back. */
  opened(document: OpenedDocument): void {
    if (this.restoreDone) this.openDocument(document);
    else this.waitingDocuments.push(document);
  }

  /** Reopens where the app was (the last session's settings), then applies what the desktop opened meanwhile. */
  async restore(): Promise<void> {
    try {
      const last = await this.classroom.lab.api.invoke('settings:restore', null);
      if (last) this.apply(last.settings);
    } catch {
      // A missing or unreadable last-session file is not worth a message: the app starts fresh.
    }
    this.restoreDone = true;
    for (const document of this.waitingDocuments.splice(0)) this.openDocument(document);
  }

  /** A `.vlab.json` the desktop opened (File ▸ Open…, Open Recent, the command line, the file manager). */
  private openDocument(document: OpenedDocument): void {
    const lab = this.classroom.lab;
    if ('error' in document) {
      // On the window's banner, not the lesson's: the file may open while another tab is on screen.
      lab.message = { kind: 'error', text: `Could not open ${document.fileName}: ${document.error.message}` };
      return;
    }
    this.apply(document.settings);
    lab.message = { kind: 'info', text: `Opened ${document.fileName}.` };
  }

  async saveSettings(): Promise<void> {
    await this.classroom.saved(
      this.classroom.lab.api.invoke('settings:save', { settings: this.settings() }),
      'settings',
    );
  }

  /** Opens a `.vlab.json` the user picked (read in the page, checked by the engine, never run). */
  async openSettings(file: File): Promise<void> {
    const classroom = this.classroom;
    if (file.size > 64 * 1024) {
      const text = `${file.name} is ${file.size} bytes: not a settings file (those are well under 64 KiB).`;
      classroom.message = { kind: 'error', text };
      return;
    }
    let outcome: { settings: LabSettings };
    try {
      outcome = await classroom.lab.api.invoke('settings:parse', { text: await file.text() });
    } catch (error) {
      classroom.message = { kind: 'error', text: `Could not open ${file.name}: ${messageOf(error)}` };
      return;
    }
    this.apply(outcome.settings);
    classroom.message = { kind: 'info', text: `Opened ${file.name}.` };
  }
}
