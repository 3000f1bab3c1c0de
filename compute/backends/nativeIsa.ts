// Runs on a chosen instruction-set copy of the native evaluator, for
// `vlab run --isa` and the SIMD-lanes experiment. Until the evaluator takes
// a per-run ISA (the portable evaluator's onNativeIsa, with the same
// signature, replaces this module), the copy is chosen once when the addon
// loads (VLAB_NATIVE_ISA): a run on the loaded copy goes ahead, any other is
// a clear error naming the variable to set.

import { loadAddon } from './nativeAddon.js';

export class NativeIsaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeIsaError';
  }
}

/** The copies this CPU runs, narrowest first ([] without the addon). */
export function nativeIsas(): string[] {
  const load = loadAddon();
  return load.addon ? load.addon.machineIsas().map((c) => c.isa) : [];
}

/** Runs fn with native runs on `isa`. */
export function onNativeIsa<T>(isa: string, fn: () => T): T {
  const load = loadAddon();
  if (!load.addon) throw new NativeIsaError(`--isa needs the native backend: ${load.reason}`);
  const runs = nativeIsas();
  if (!runs.includes(isa)) throw new NativeIsaError(`unknown or unsupported native ISA '${isa}': this CPU runs ${runs.join(', ')}`);
  const loaded = load.addon.isa();
  if (isa !== loaded) {
    throw new NativeIsaError(`this build picks its ISA when the addon loads (now ${loaded}): set VLAB_NATIVE_ISA=${isa} to run ${isa}, one ISA per process`);
  }
  return fn();
}
