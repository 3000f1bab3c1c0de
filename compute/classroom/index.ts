// The classroom: the lesson step by step, grid-size sweeps, "take it to JAX"
// and shareable settings. Shells (the app's engine worker, the CLI) import
// from here or from compute/index.ts; the renderer imports types only.

export { jaxProgram, numpyProgram, pythonExpression, jaxFileName, type PythonProgramRequest } from './jax.js';
export { jaxReduceProgram, jaxClusterProgram, type ReduceProgramRequest } from './jaxReduce.js';
export { jaxExport, JaxExportError, type JaxExport, type JaxExportRequest } from './jaxExport.js';
export { runSweep, sweepRecords, type SweepOptions } from './sweep.js';
export {
  sweepSizes,
  sweepGrids,
  sweepGridText,
  SweepRequestError,
  DEFAULT_POINT_BUDGET_MS,
  MAX_SWEEP_POINTS,
  type SweepRequest,
  type SweepEntry,
  type SweepGrid,
  type SweepProgress,
  type SweepResult,
} from './sweepPlan.js';
export { sweepToCsv } from './sweepCsv.js';
export { LESSON_STEP_IDS, type LessonStepId } from './lessonSteps.js';
export {
  LESSON_EN,
  parseLesson,
  describeStepRun,
  fillTemplate,
  formatFigure,
  findStep,
  LessonFormatError,
  LessonTemplateError,
  type Lesson,
  type LessonStep,
  type LessonSentence,
  type LessonValue,
} from './lessonText.js';
export { runLessonStep, type LessonStepOptions, type LessonStepResult } from './lesson.js';
export {
  parseSettings,
  settingsToJson,
  validateSettings,
  defaultSettings,
  DEFAULT_SETTINGS,
  SettingsError,
  SETTINGS_EXTENSION,
  SETTINGS_FORMAT,
  SETTINGS_VERSION,
  THEMES,
  LAYOUT_ITEMS,
  type LabSettings,
  type LayoutItem,
  type LayoutSettings,
  type Theme,
} from './settings.js';
