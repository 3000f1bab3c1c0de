// The lesson's experiments, one per step: each runs its strategies on this
// machine through the engine (runStrategy, pmap, meshgrid) and returns the raw
// figures its sentences use — numbers, text and the flags that choose
// sentences. The pmap rule is shown by breaking it, a grid the memory guard
// refuses is a figure, not an error. Nothing here knows the lesson's words:
// lessonText.ts fills them in. This module is the table; the experiments live
// by kind: stepArrays (loop to memory), stepTransforms (vmap, pmap),
// stepAnswers (to a number), stepMachine (gpu, roofline).

import type { LessonStepId } from './lessonSteps.js';
import { answerStep, talkStep } from './stepAnswers.js';
import { compileStep, loopStep, memoryStep, meshgridStep, naiveStep } from './stepArrays.js';
import { gpuStep, ROOFLINE_STRATEGIES, rooflineStep } from './stepMachine.js';
import { pmapStep, vmapStep } from './stepTransforms.js';
import type { StepExperiment } from './stepContext.js';

export type { StepContext, StepExperiment } from './stepContext.js';
export { SOFTWARE_GPU_MAX_N } from './stepMachine.js';

/** Each step's experiment, keyed by step id (a step without one does not compile). */
export const STEP_EXPERIMENTS: Record<LessonStepId, StepExperiment> = {
  answer: answerStep,
  talk: talkStep,
  loop: loopStep,
  naive: naiveStep,
  meshgrid: meshgridStep,
  compile: compileStep,
  memory: memoryStep,
  vmap: vmapStep,
  pmap: pmapStep,
  gpu: gpuStep,
  roofline: rooflineStep,
};

/** How many strategy runs each step makes, for its progress bar. */
export const RUNS_PER_STEP: Record<LessonStepId, number> = {
  loop: 1,
  naive: 1,
  meshgrid: 2,
  compile: 1,
  memory: 0,
  vmap: 2,
  pmap: 2,
  answer: 3,
  talk: 0,
  gpu: 1,
  roofline: ROOFLINE_STRATEGIES.length,
};
