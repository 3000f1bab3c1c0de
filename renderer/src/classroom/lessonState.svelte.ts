// The lesson's place and figures: which step is on screen, and what each
// step measured (kept by step id, so a teacher can go back and the figures
// are still there). Running a step is one classroom task.

import type { LessonStepResult } from '../../../main/contract';
import type { Lesson } from '../../../compute/classroom/lessonText';
import lessonData from '../../../assets/lesson/en.json';
import type { Classroom } from './classroom.svelte';

export const LESSON = lessonData as unknown as Lesson;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class LessonState {
  step = $state(0);
  /** What each step measured, by step id. */
  results = $state.raw<Record<string, LessonStepResult>>({});
  stepErrors = $state.raw<Record<string, string>>({});

  readonly current = $derived(LESSON.steps[this.step]!);
  readonly stepCount = LESSON.steps.length;

  constructor(private readonly classroom: Classroom) {}

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
    const step = LESSON.steps[index]!;
    const lab = this.classroom.lab;
    await this.classroom.runTask(
      'lesson',
      step.title,
      () => {
        const { [step.id]: _, ...otherErrors } = this.stepErrors;
        this.stepErrors = otherErrors;
      },
      async (taskId) => {
        try {
          const result = await lab.api.invoke('classroom:lesson', {
            taskId,
            step: index,
            formula: lab.formula,
            dtype: lab.dtype,
            // The lab's grid: its domain, and on a rectangular one the shape error and the 'xy' transpose. The
            // steps show a grid's shapes, so a number's larger sides are shown at the grid's limit.
            grid: {
              nx: Math.min(lab.nx, lab.previewSideMax),
              ny: Math.min(lab.ny, lab.previewSideMax),
              xRange: lab.xRange,
              yRange: lab.yRange,
            },
          });
          this.results = { ...this.results, [step.id]: result };
        } catch (error) {
          this.stepErrors = { ...this.stepErrors, [step.id]: messageOf(error) };
        }
      },
    );
  }
}
