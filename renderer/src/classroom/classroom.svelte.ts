// The classroom's state: where the lesson is, what each step measured, the
// sweep in progress and its entries, the JAX program for the current
// formula, and the shareable settings (saved, opened — from the page or from
// the desktop's File ▸ Open… — and remembered so the app reopens where it
// was), the teacher's layout included. One per Lab, made once and kept
// while tabs come and go. Only this class talks to the shell for the classroom.

import type {
  ThreadSweepResult,
  LabSettings,
  OpenedDocument,
  LessonStepResult,
  PythonProgramRequest,
  SaveOutcome,
  StrategyName,
  LabStrategyName,
  SweepResult,
} from '../../../main/contract';
import type { Lesson } from '../../../compute/classroom/lessonText';
import type { Lab } from '../lib/lab.svelte';
import { saveMessage, type Message } from '../lib/saveOutcome';
import lessonData from '../../../assets/lesson/en.json';

export const LESSON = lessonData as unknown as Lesson;

export type ClassroomView = 'lesson' | 'sweep' | 'jax';

export interface Task {
  taskId: string;
  kind: 'lesson' | 'sweep' | 'threads';
  fraction: number;
  label: string;
  cancelling: boolean;
}

const THEMES = ['system', 'light', 'dark'] as const;

const newTaskId = (kind: string) => `${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Classroom {
  view = $state<ClassroomView>('lesson');
  step = $state(0);
  /** What each step measured, by step id: a teacher can go back and the figures are still there. */
  results = $state.raw<Record<string, LessonStepResult>>({});
  stepErrors = $state.raw<Record<string, string>>({});
  task = $state.raw<Task | null>(null);

  sweepFrom = $state(10);
  sweepTo = $state(2000);
  sweepPoints = $state(8);
  /** The threads sweep on screen (pmap, the kernel and the floor on 1…all threads), and why it failed. */
  threads = $state.raw<ThreadSweepResult | null>(null);
  threadsError = $state<string | null>(null);
  /** The sweep on screen: filled in as entries arrive, complete when its task ends. */
  sweep = $state.raw<SweepResult | null>(null);
  /** The task that made the sweep on screen: the service keeps its result for the CSV export. */
  private sweepTaskId: string | null = null;
  sweepError = $state<string | null>(null);

  jaxStrategy = $state<LabStrategyName>('vmap');
  jax = $state.raw<{ text: string; fileName: string } | { error: string } | null>(null);
  /** The settings the program on screen was written for (saving writes it again from them, in the engine). */
  private jaxRequest: PythonProgramRequest | null = null;

  theme = $state<(typeof THEMES)[number]>('system');
  message = $state<Message | null>(null);

  readonly current = $derived(LESSON.steps[this.step]!);
  readonly stepCount = LESSON.steps.length;
  private restored = false;
  /** The last session's settings are back (or there were none): a document opened now is not overwritten by them. */
  private restoreDone = false;
  /** Documents the desktop opened before the restore was done, applied after it. */
  private waitingDocuments: OpenedDocument[] = [];

  /** The strategies a sweep runs: those ticked (and available) on the left. */
  get sweepStrategies(): StrategyName[] {
    return this.lab.chosen;
  }

  constructor(readonly lab: Lab) {
    lab.api.on('classroom:progress', (progress) => {
      if (this.task?.taskId !== progress.taskId) return;
      this.task = { ...this.task, fraction: progress.fraction, label: progress.label };
      if (progress.kind === 'sweep' && this.sweep) this.sweep = { ...this.sweep, entries: progress.entries };
    });
    lab.api.on('document:opened', (document) => {
      if (this.restoreDone) this.openDocument(document);
      else this.waitingDocuments.push(document);
    });
    $effect.root(() => {
      // Reopen where the app was, once the engine has said what it has.
      $effect(() => {
        if (!lab.info || this.restored) return;
        this.restored = true;
        void this.restore();
      });
      // Remember the settings as they change (after the restore, so it cannot overwrite them with defaults).
      $effect(() => {
        const settings = this.settings();
        if (!this.restored) return;
        const timer = setTimeout(() => void lab.api.invoke('settings:remember', { settings }).catch(() => {}), 400);
        return () => clearTimeout(timer);
      });
      // The JAX program follows the formula, the grid (nx, ny and the domain), dtype and the chosen strategy.
      $effect(() => {
        const request = { formula: lab.formula, nx: lab.nx, ny: lab.ny, xRange: lab.xRange, yRange: lab.yRange, dtype: lab.dtype, strategy: this.jaxStrategy };
        if (!lab.info || !lab.formula) return;
        const timer = setTimeout(async () => {
          try {
            this.jax = await lab.api.invoke('classroom:jax', request);
            this.jaxRequest = request;
          } catch (error) {
            this.jax = { error: messageOf(error) };
          }
        }, 150);
        return () => clearTimeout(timer);
      });
      $effect(() => {
        const theme = this.theme;
        document.documentElement.dataset.theme = theme;
        // The desktop's menus, dialogs and title bar follow too; the web shell's browser keeps its own.
        if (lab.info?.shell === 'electron') void lab.api.invoke('theme:set', { theme }).catch(() => {});
      });
      // File ▸ Save Settings… (the menu, or its shortcut).
      let saveRequests = lab.saveSettingsRequest;
      $effect(() => {
        if (lab.saveSettingsRequest === saveRequests) return;
        saveRequests = lab.saveSettingsRequest;
        // Asked from the menu, answered on the window's banner (the lesson's may not be on screen).
        void this.saveSettings().then(() => {
          lab.message = this.message;
          this.message = null;
        });
      });
    });
  }

  // ── The lesson ────────────────────────────────────────────────────────

  goTo(index: number): void {
    this.step = Math.min(this.stepCount - 1, Math.max(0, index));
  }

  next(): void {
    this.goTo(this.step + 1);
  }

  previous(): void {
    this.goTo(this.step - 1);
  }

  /** Back to the first step, with every figure cleared. */
  reset(): void {
    this.step = 0;
    this.results = {};
    this.stepErrors = {};
  }

  async runStep(index = this.step): Promise<void> {
    if (this.task) return;
    const step = LESSON.steps[index]!;
    const taskId = newTaskId('lesson');
    this.task = { taskId, kind: 'lesson', fraction: 0, label: step.title, cancelling: false };
    const { [step.id]: _, ...otherErrors } = this.stepErrors;
    this.stepErrors = otherErrors;
    // The engine takes one task at a time: a live run stops for the step.
    await this.lab.live.hold();
    try {
      const result = await this.lab.api.invoke('classroom:lesson', {
        taskId,
        step: index,
        formula: this.lab.formula,
        dtype: this.lab.dtype,
        // The lab's grid: its domain, and on a rectangular one the shape error and the 'xy' transpose.
        grid: { nx: this.lab.nx, ny: this.lab.ny, xRange: this.lab.xRange, yRange: this.lab.yRange },
      });
      this.results = { ...this.results, [step.id]: result };
    } catch (error) {
      this.stepErrors = { ...this.stepErrors, [step.id]: messageOf(error) };
    } finally {
      this.lab.live.release();
      if (this.task?.taskId === taskId) this.task = null;
    }
  }

  // ── Sweeps ────────────────────────────────────────────────────────────

  /** nx : ny of the lab's grid when it is not square (the sweep holds it), else null. */
  get sweepAspect(): number | null {
    return this.lab.nx === this.lab.ny ? null : this.lab.nx / this.lab.ny;
  }

  async runSweep(): Promise<void> {
    if (this.task) return;
    const strategies = this.sweepStrategies;
    if (strategies.length === 0) {
      this.sweepError = 'Tick at least one strategy (on the left) to sweep.';
      return;
    }
    const taskId = newTaskId('sweep');
    const aspect = this.sweepAspect;
    const request = {
      nMin: this.sweepFrom,
      nMax: this.sweepTo,
      points: this.sweepPoints,
      // A rectangular lab sweeps at its own shape: n sets nx, and ny follows at nx : ny.
      ...(aspect !== null ? { aspect } : {}),
      strategies,
      dtype: this.lab.dtype,
      formula: this.lab.formula,
      repeats: Math.min(this.lab.repeats, 3),
      xRange: this.lab.xRange,
      yRange: this.lab.yRange,
    };
    this.sweepError = null;
    this.sweep = {
      sizes: [],
      grids: [],
      dtype: this.lab.dtype,
      backend: 'js',
      formula: this.lab.formula,
      xRange: this.lab.xRange,
      yRange: this.lab.yRange,
      strategies,
      entries: [],
      firstRefused: {},
      cancelled: false,
    };
    this.task = { taskId, kind: 'sweep', fraction: 0, label: 'starting', cancelling: false };
    this.sweepTaskId = taskId;
    await this.lab.live.hold();
    try {
      this.sweep = await this.lab.api.invoke('classroom:sweep', { taskId, sweep: request });
    } catch (error) {
      this.sweepError = messageOf(error);
    } finally {
      this.lab.live.release();
      if (this.task?.taskId === taskId) this.task = null;
    }
  }

  /** pmap on the lab's grid (nx × ny over its domain) on 1, 2, … all native threads, beside the hand-written kernel and the write floor. */
  async runThreadSweep(): Promise<void> {
    if (this.task) return;
    const taskId = newTaskId('threads');
    this.threadsError = null;
    this.task = { taskId, kind: 'threads', fraction: 0, label: 'starting', cancelling: false };
    await this.lab.live.hold();
    try {
      this.threads = await this.lab.api.invoke('classroom:threads', { taskId, sweep: this.lab.grid() });
    } catch (error) {
      this.threadsError = messageOf(error);
    } finally {
      this.lab.live.release();
      if (this.task?.taskId === taskId) this.task = null;
    }
  }

  async cancel(): Promise<void> {
    const task = this.task;
    if (!task || task.cancelling) return;
    this.task = { ...task, cancelling: true };
    await this.lab.api.invoke('classroom:cancel', { taskId: task.taskId });
  }

  async exportSweep(): Promise<void> {
    if (!this.sweep?.entries.length || !this.sweepTaskId) return;
    await this.saved(this.lab.api.invoke('export:sweep', { taskId: this.sweepTaskId }), 'sweep');
  }

  // ── Take it to JAX ────────────────────────────────────────────────────

  async saveJax(): Promise<void> {
    const program = this.jax;
    if (!program || 'error' in program || !this.jaxRequest) return;
    await this.saved(this.lab.api.invoke('export:python', this.jaxRequest), 'JAX program');
  }

  // ── Shareable settings ────────────────────────────────────────────────

  settings(): LabSettings {
    return {
      formula: this.lab.formula,
      nx: this.lab.nx,
      ny: this.lab.ny,
      xRange: this.lab.xRange,
      yRange: this.lab.yRange,
      dtype: this.lab.dtype,
      strategies: this.lab.lessonOrder.filter((s) => this.lab.selected.includes(s)),
      lessonStep: this.step,
      sweep: { nMin: this.sweepFrom, nMax: this.sweepTo, points: this.sweepPoints },
      theme: this.theme,
      projector: this.lab.projector,
      layout: this.lab.layout.settings(this.lab.lessonOrder),
    };
  }

  apply(settings: LabSettings): void {
    const lab = this.lab;
    lab.formula = settings.formula;
    lab.dtype = settings.dtype;
    lab.selected = settings.strategies.filter((s) => lab.available.has(s));
    const limits = lab.info?.limits;
    const side = (n: number) => (limits ? Math.min(limits.nMax, Math.max(limits.nMin, n)) : n);
    lab.nx = side(settings.nx);
    lab.ny = side(settings.ny);
    lab.linked = lab.nx === lab.ny;
    lab.xRange = settings.xRange;
    lab.yRange = settings.yRange;
    lab.projector = settings.projector;
    this.step = settings.lessonStep;
    this.sweepFrom = settings.sweep.nMin;
    this.sweepTo = settings.sweep.nMax;
    this.sweepPoints = settings.sweep.points;
    this.theme = settings.theme;
    lab.layout.apply(settings.layout);
    lab.settingsChanged();
  }

  private async restore(): Promise<void> {
    try {
      const last = await this.lab.api.invoke('settings:restore', null);
      if (last) this.apply(last.settings);
    } catch {
      // A missing or unreadable last-session file is not worth a message: the app starts fresh.
    }
    this.restoreDone = true;
    for (const document of this.waitingDocuments.splice(0)) this.openDocument(document);
  }

  /** A `.vlab.json` the desktop opened (File ▸ Open…, Open Recent, the command line, the file manager). */
  private openDocument(document: OpenedDocument): void {
    if ('error' in document) {
      // On the window's banner, not the lesson's: the file may open while another tab is on screen.
      this.lab.message = { kind: 'error', text: `Could not open ${document.fileName}: ${document.error.message}` };
      return;
    }
    this.apply(document.settings);
    this.lab.message = { kind: 'info', text: `Opened ${document.fileName}.` };
  }

  async saveSettings(): Promise<void> {
    await this.saved(this.lab.api.invoke('settings:save', { settings: this.settings() }), 'settings');
  }

  /** Opens a `.vlab.json` the user picked (read in the page, checked by the engine, never run). */
  async openSettings(file: File): Promise<void> {
    if (file.size > 64 * 1024) {
      this.message = { kind: 'error', text: `${file.name} is ${file.size} bytes: not a settings file (those are well under 64 KiB).` };
      return;
    }
    let outcome: { settings: LabSettings };
    try {
      outcome = await this.lab.api.invoke('settings:parse', { text: await file.text() });
    } catch (error) {
      this.message = { kind: 'error', text: `Could not open ${file.name}: ${messageOf(error)}` };
      return;
    }
    this.apply(outcome.settings);
    this.message = { kind: 'info', text: `Opened ${file.name}.` };
  }

  private async saved(outcome: Promise<SaveOutcome>, what: string): Promise<void> {
    this.message = await saveMessage(outcome, what, 'save');
  }
}

const classrooms = new WeakMap<Lab, Classroom>();

/** The one Classroom of a Lab, made on first use. */
export function classroomFor(lab: Lab): Classroom {
  let classroom = classrooms.get(lab);
  if (!classroom) classrooms.set(lab, (classroom = new Classroom(lab)));
  return classroom;
}
