// The classroom's state, one per Lab, made once and kept while tabs come
// and go: the view on screen, the one engine task at a time (a lesson step
// or a sweep) and the panel's message line, composed of modules by idea —
// the lesson (lessonState), the sweeps (sweeps), the JAX program
// (jaxProgram) and the shareable settings (documents). Only the classroom
// and its parts talk to the shell for the classroom.

import type { SaveOutcome } from '../../../main/contract';
import type { Lab } from '../lib/lab.svelte';
import { saveMessage, type Message } from '../lib/saveOutcome';
import { machineIdle } from '../machine/machine.svelte';
import { Documents } from './documents.svelte';
import { JaxProgram } from './jaxProgram.svelte';
import { LessonState } from './lessonState.svelte';
import { Sweeps } from './sweeps.svelte';

export { LESSON } from './lessonState.svelte';

export type ClassroomView = 'lesson' | 'sweep' | 'jax';

export interface Task {
  taskId: string;
  kind: 'lesson' | 'sweep' | 'threads';
  fraction: number;
  label: string;
  cancelling: boolean;
}

const newTaskId = (kind: string) => `${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export class Classroom {
  view = $state<ClassroomView>('lesson');
  task = $state.raw<Task | null>(null);
  message = $state<Message | null>(null);

  readonly lesson: LessonState = new LessonState(this);
  readonly sweeps: Sweeps = new Sweeps(this);
  readonly jax: JaxProgram = new JaxProgram(this);
  readonly documents: Documents = new Documents(this);
  private restored = false;

  constructor(readonly lab: Lab) {
    lab.api.on('classroom:progress', (progress) => {
      if (this.task?.taskId !== progress.taskId) return;
      this.task = { ...this.task, fraction: progress.fraction, label: progress.label };
      if (progress.kind === 'sweep') this.sweeps.progressed(progress.entries);
    });
    lab.api.on('document:opened', (document) => this.documents.opened(document));
    $effect.root(() => {
      // Reopen where the app was, once the engine has said what it has.
      $effect(() => {
        if (!lab.info || this.restored) return;
        this.restored = true;
        void this.documents.restore();
      });
      // Remember the settings as they change (after the restore, so it cannot overwrite them with defaults).
      $effect(() => {
        const settings = this.documents.settings();
        if (!this.restored) return;
        const timer = setTimeout(() => void lab.api.invoke('settings:remember', { settings }).catch(() => {}), 400);
        return () => clearTimeout(timer);
      });
      $effect(() => this.jax.follow());
      $effect(() => {
        const theme = this.documents.theme;
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
        void this.documents.saveSettings().then(() => {
          lab.message = this.message;
          this.message = null;
        });
      });
    });
  }

  /**
   * One engine task (a lesson step or a sweep): none while another runs, Live held while it works.
   * `prepare` sets what shows at once; `work` asks the engine and keeps its own errors.
   */
  async runTask(
    kind: Task['kind'],
    label: string,
    prepare: (taskId: string) => void,
    work: (taskId: string) => Promise<void>,
  ): Promise<void> {
    if (this.task) return;
    const taskId = newTaskId(kind);
    this.task = { taskId, kind, fraction: 0, label, cancelling: false };
    prepare(taskId);
    // The engine takes one task at a time: a machine measurement (the roofline step opens one) ends first,
    // and a live run stops for it.
    await machineIdle(this.lab);
    await this.lab.live.hold();
    try {
      await work(taskId);
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

  /** A save's outcome, on the classroom's message line. */
  async saved(outcome: Promise<SaveOutcome>, what: string): Promise<void> {
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
