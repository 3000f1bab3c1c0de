// The schema of Live's calibration request (compute/strategies/calibrate.ts):
// a dtype, the formula, and which of the lab's strategies. A leaf like
// recordSchema.ts (valibot, the limits and the strategy names), so main can check
// the request where it enters without pulling in the engine.

import * as v from 'valibot';
import { LAB_STRATEGY_NAMES } from './types.js';
import type { CalibrationRequest } from './calibrate.js';
import { dtype, formula, list, oneOf, strict, type SameType } from '../schema/fields.js';

export const calibrationRequest = strict({
  dtype,
  formula,
  strategies: v.optional(list(oneOf(LAB_STRATEGY_NAMES), LAB_STRATEGY_NAMES.length)),
});
true satisfies SameType<v.InferOutput<typeof calibrationRequest>, CalibrationRequest>;
