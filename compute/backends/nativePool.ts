// The native pool and the scopes a run reads: the fixed pool of native
// threads (created once per process, at the first run; its threads are the
// CPU devices of pmap), how many of them a run may use (onDevices: the
// single-device strategies run on one), and which SIMD target of the
// evaluator it runs on (onNativeIsa; by default the widest the CPU runs).

import { AsyncLocalStorage } from 'node:async_hooks';
import { NATIVE_MAX_THREADS } from '../limits.js';
import type { Placement } from './backend.js';
import { type NativeAddon, type NativeTarget, loadAddon } from './nativeAddon.js';
import { type OpcodeTable, BYTECODE_VERSION, opcodeTable } from './nativeBytecode.js';

const deviceScope = new AsyncLocalStorage<number>();

/** Runs fn with native runs limited to `devices` threads (the single-device strategies use 1). */
export function onDevices<T>(devices: number, fn: () => T): T {
  return deviceScope.run(devices, fn);
}

const isaScope = new AsyncLocalStorage<string>();

/**
 * Runs fn with native runs on the evaluator's `isa` target (a name from
 * `vlab devices`: avx512, avx2, sse4, sse2, neon, scalar) instead of the one
 * chosen at load; a target this CPU cannot run is an error here, before any run.
 */
export function onNativeIsa<T>(isa: string, fn: () => T): T {
  const { addon } = loadAddon();
  const names = addon ? addon.targets().map((t) => t.isa) : [];
  if (!names.includes(isa)) {
    const runs = addon ? `this CPU runs ${names.join(', ')}` : 'the native addon is not loaded';
    throw new RangeError(`unknown or unsupported native target '${isa}': ${runs}`);
  }
  return isaScope.run(isa, fn);
}

/** Runs fn with every native run on one thread: the native backend as one device. */
export function onOneDevice<T>(fn: () => T): T {
  return onDevices(1, fn);
}

let requestedThreads: number | undefined;

/**
 * Sets the size of the native pool (the number of CPU devices) before it starts.
 * The pool is created once per process, at the first native run; after that its
 * size is fixed and asking for another is an error. VLAB_THREADS does the same
 * from the environment.
 */
export function configureNativeThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > NATIVE_MAX_THREADS) {
    throw new RangeError(`threads must be an integer from 1 to ${NATIVE_MAX_THREADS}, got ${threads}`);
  }
  const { addon } = loadAddon();
  const running = addon?.poolSize() ?? 0;
  if (running > 0 && running !== threads) {
    throw new Error(
      `the native pool already runs ${running} threads; set the thread count before the first native run (or ` +
        `VLAB_THREADS=${threads})`,
    );
  }
  requestedThreads = threads;
}

export class NativeRuntime {
  readonly opcodes: OpcodeTable;
  private poolThreads = 0;
  private targetList: NativeTarget[] | undefined;

  constructor(
    readonly addon: NativeAddon,
    readonly path: string,
  ) {
    if (addon.bytecodeVersion !== BYTECODE_VERSION) {
      throw new Error(
        `the native addon speaks bytecode v${addon.bytecodeVersion}, the engine v${BYTECODE_VERSION}: rebuild it ` +
          `(npm run build:native)`,
      );
    }
    this.opcodes = opcodeTable(addon.opcodes());
  }

  /** The pool's size once it runs (fixed from then on); before that, the size it will start with. */
  get threads(): number {
    if (this.poolThreads > 0) return this.poolThreads;
    const running = this.addon.poolSize();
    return running > 0 ? running : (requestedThreads ?? this.addon.defaultThreads());
  }

  /** The pool, started on first use with the size devices() announced. */
  pool(): NativeAddon {
    if (this.poolThreads === 0) this.poolThreads = this.addon.startPool(this.threads);
    return this.addon;
  }

  /** The targets this CPU runs, widest first (the addon's table, read once). */
  get targets(): NativeTarget[] {
    this.targetList ??= this.addon.targets();
    return this.targetList;
  }

  /** The target a run uses: the scope's (onNativeIsa), else the one chosen at load; with its lanes. */
  target(): NativeTarget {
    const isa = isaScope.getStore() ?? this.addon.isa();
    return this.targets.find((t) => t.isa === isa)!;
  }

  /** Threads for a run: the placement's, else the scope's, else all; never more than the pool has. */
  workers(placement: Placement = {}): number {
    const wanted = placement.devices ?? deviceScope.getStore() ?? this.threads;
    return Math.max(1, Math.min(this.threads, wanted));
  }
}
