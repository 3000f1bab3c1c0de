// The engine's second, small entry: the leaf modules the shells' main
// processes need — limits, strategy names, payload schemas and the words
// they refuse in, the settings file's vocabulary, the app's root and
// version, atomic file writes — and nothing that loads the engine (no
// arrays, no backends, no strategies' code), so main's bundle stays free of
// it. Everything else main/ takes from compute/index.ts, the engine's one
// entry point. test/imports.test.ts holds main/ to these two entries.

export { APP_GRID_LIMITS, APP_MAX_REPEATS, NATIVE_MAX_THREADS, type GridLimits } from './limits.js';
export { appRoot, appVersion } from './appRoot.js';
export { APP_NAME, defaultDataDir } from './dataDir.js';
export type { Grid } from './core/grid.js';
export { asCheckedRunRequest, type CheckedRunRequest } from './strategies/checkedRequest.js';
export { LAB_STRATEGY_NAMES, PEER_STRATEGY_NAMES, REDUCE_MODES, type ReduceMode } from './strategies/types.js';
export { check, type Refusal } from './schema/describe.js';
export {
  boolean,
  dtype,
  formula,
  integer,
  list,
  name,
  oneOf,
  range,
  side,
  answerSide,
  sidesFitOutput,
  strict,
  sweepAspect,
  sweepPoints,
  text,
  type SameType,
} from './schema/fields.js';
export { labStrategy, runRecord, strategies } from './strategies/recordSchema.js';
export { labSettings, lessonStep, runningUpwards, theme } from './classroom/settingsSchema.js';
export { MAX_SETTINGS_BYTES, SETTINGS_EXTENSION } from './classroom/settingsVocabulary.js';
export { partialPathOf, writeBesideThenRename } from './report/atomicFile.js';
export type { ThreadPoint } from './strategies/threadScaling.js';
export type { AmdahlFit } from './machine/types.js';
export type { CalibrationRequest, CalibrationResult } from './strategies/calibrate.js';
export { calibrationRequest } from './strategies/calibrationSchema.js';
export type { MachineProfile, MachineProgress, Roof } from './machine/types.js';
