// The lab settings' schema, held exactly to LabSettings: what
// settings:save and settings:remember accept over IPC, and the last check a
// `.vlab.json` file passes when it is read (settings.ts), so that a file that
// opens is one the app would take back, refused in the same words when not.
// Its fields (a sweep, a layout, a lesson step, a theme) are exported for the
// file reader, which is lenient only about what is absent or unknown. A leaf:
// main's bundle imports it without the engine.

import * as v from 'valibot';
import { boolean, dtype, formula, integer, list, oneOf, range, side, strict, sweepPoints, type SameType } from '../schema/fields.js';
import { strategies } from '../strategies/recordSchema.js';
import { LESSON_STEP_IDS } from './lessonSteps.js';
import { LAYOUT_ITEMS, THEMES, type LabSettings } from './settingsVocabulary.js';

export const theme = oneOf(THEMES);
export const lessonStep = integer(0, LESSON_STEP_IDS.length - 1);

/** A sweep's range runs upwards; the refusal names nMax, the bound the user most likely mistyped. */
const sweepRunsUpwards = v.forward(
  v.check(
    ({ nMin, nMax }: LabSettings['sweep']) => nMax >= nMin,
    (issue) => `must not be below nMin (${(issue.input as LabSettings['sweep']).nMin})`,
  ),
  ['nMax'],
);
export const sweep = v.pipe(strict({ nMin: side, nMax: side, points: sweepPoints }), sweepRunsUpwards);

export const layoutItem = oneOf(LAYOUT_ITEMS);
export const layout = strict({ hidden: list(layoutItem, LAYOUT_ITEMS.length), hiddenStrategies: strategies, presenter: boolean });

export const labSettings = strict({
  formula,
  nx: side,
  ny: side,
  xRange: range,
  yRange: range,
  dtype,
  strategies,
  lessonStep,
  sweep,
  theme,
  projector: boolean,
  layout,
});
true satisfies SameType<v.InferOutput<typeof labSettings>, LabSettings>;
