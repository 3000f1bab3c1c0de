// The lesson's steps, in order: the one list the lesson file is checked
// against, the settings file's lessonStep is bounded by, and main's
// validators read. A leaf module, so main's bundle does not pull in the engine.

export const LESSON_STEP_IDS = [
  'loop',
  'naive',
  'meshgrid',
  'compile',
  'memory',
  'vmap',
  'pmap',
  'answer',
  'talk',
  'gpu',
  'roofline',
] as const;
export type LessonStepId = (typeof LESSON_STEP_IDS)[number];
