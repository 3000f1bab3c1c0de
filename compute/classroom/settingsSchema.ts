// The lab settings' schema, held exactly to LabSettings: what
// settings:save and settings:remember accept over IPC, and the last check a
// `.vlab.json` file passes when it is read (settings.ts), so that a file that
// opens is one the app would take back, refused in the same words when not.
// Its fields (a sweep, a layout, a lesson step, a theme) are exported for the
// file reader, which is lenient only about what is absent or unknown. A leaf:
// main's bundle imports it without the engine.

import * as v from 'valibot';
import {
  answerSide,
  boolean,
  dtype,
  formula,
  integer,
  list,
  oneOf,
  range,
  side,
  sidesFitOutput,
  strict,
  sweepPoints,
  type SameType,
} from '../schema/fields.js';
import { strategies } from '../strategies/recordSchema.js';
import { REDUCE_MODES } from '../strategies/types.js';
import { LESSON_STEP_IDS } from './lessonSteps.js';
import { LAYOUT_ITEMS, THEMES, type LabSettings } from './settingsVocabulary.js';

export const theme = oneOf(THEMES);
export const lessonStep = integer(0, LESSON_STEP_IDS.length - 1);

type Bounds = { nMin: number; nMax: number };
const upwards = v.forward(
  v.check(
    ({ nMin, nMax }: Bounds) => nMax >= nMin,
    (issue) => `must not be below nMin (${(issue.input as Bounds).nMin})`,
  ),
  ['nMax'],
);
/** A sweep's range, checked to run upwards; the refusal names nMax, the bound the user most likely mistyped. */
export function runningUpwards<S extends v.GenericSchema<unknown, Bounds>>(schema: S) {
  const checked: v.GenericSchema<v.InferInput<S>, Bounds> = v.pipe(
    schema as v.GenericSchema<v.InferInput<S>, Bounds>,
    upwards,
  );
  // A check hands its value on unchanged: the output is the schema's, every field kept (valibot's types lose them in a
  // generic pipe).
  return checked as v.GenericSchema<v.InferInput<S>, v.InferOutput<S>>;
}
export const sweep = runningUpwards(strict({ nMin: side, nMax: side, points: sweepPoints }));

export const layoutItem = oneOf(LAYOUT_ITEMS);
export const layout = strict({
  hidden: list(layoutItem, LAYOUT_ITEMS.length),
  hiddenStrategies: strategies,
  presenter: boolean,
});

/** The output a document was set up for: absent, the grid. */
export const reduceMode = oneOf(REDUCE_MODES);

/** The settings; a grid's sides keep to the grid's limit, a number's may reach the answer limit. */
export const labSettings = sidesFitOutput(
  strict({
    formula,
    nx: answerSide,
    ny: answerSide,
    reduce: v.optional(reduceMode),
    xRange: range,
    yRange: range,
    dtype,
    strategies,
    lessonStep,
    sweep,
    theme,
    projector: boolean,
    layout,
  }),
);
true satisfies SameType<v.InferOutput<typeof labSettings>, LabSettings>;
