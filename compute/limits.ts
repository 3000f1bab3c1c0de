// The lab's size limits, each defined once. The engine accepts any side up
// to ENGINE_MAX_N (the memory guard refuses what does not fit the machine);
// the app — its sliders, its requests over IPC and its documents (.vlab.json)
// — keeps to APP_N_RANGE, so that a document that opens is one the app can
// run. main/ imports these; the renderer receives them in AppInfo. A leaf
// module: it imports nothing, so main's bundle does not pull in the engine.

/** The largest side (nx or ny) the engine (the CLI, the API) accepts. */
export const ENGINE_MAX_N = 1_000_000;

/**
 * The largest |x| or |y| a domain may reach, in the engine and the app: far enough for any lesson, short of float32's
 * overflow in x².
 */
export const DOMAIN_MAX_ABS = 1e15;

/**
 * The longest formula the app takes (the box, a request, a document, a record): a lesson's f is a few dozen characters.
 */
export const FORMULA_MAX_LENGTH = 500;

/** Timed calls after the first that the app asks for in one run. */
export const APP_MAX_REPEATS = 100;

/** The app's size limits, as the renderer receives them in AppInfo (bounds on a Grid's sides, not a grid). */
export interface GridLimits {
  /** Sides the app accepts in requests and documents. */
  readonly nMin: number;
  readonly nMax: number;
  /** Sides of a run whose output is a number (max, min, sum, mean): no grid is kept, so time is the limit. */
  readonly answerNMax: number;
  /** The grid-size slider's log scale. */
  readonly sliderMin: number;
  readonly sliderMax: number;
  /** Sizes in one sweep. */
  readonly sweepMaxPoints: number;
  /** The domain's bound on |x| and |y| (DOMAIN_MAX_ABS). */
  readonly domainMaxAbs: number;
  /** Timed calls after the first (APP_MAX_REPEATS). */
  readonly repeatsMax: number;
  /** The formula box's length (FORMULA_MAX_LENGTH). */
  readonly formulaMaxLength: number;
}

export const APP_GRID_LIMITS: GridLimits = {
  nMin: 1,
  nMax: 20_000,
  answerNMax: 100_000,
  sliderMin: 10,
  sliderMax: 20_000,
  sweepMaxPoints: 60,
  domainMaxAbs: DOMAIN_MAX_ABS,
  repeatsMax: APP_MAX_REPEATS,
  formulaMaxLength: FORMULA_MAX_LENGTH,
};

/**
 * The most warm calls the timing loop makes (it stops sooner once enough time is measured): a record holds at most this
 * many samples.
 */
export const MAX_TIMED_CALLS = 1000;

/** The native thread pool's largest size: pmap's devices on the CPU. */
export const NATIVE_MAX_THREADS = 1024;
