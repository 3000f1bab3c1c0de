// Finds and loads the native addon (compute/native, built by `npm install`)
// and types what it exports. Loading can fail for ordinary reasons — no
// compiler on this machine, the build was skipped, VLAB_NATIVE_DISABLE is set
// — and then this module says why, in words, rather than throwing later.
// It never builds anything and never loads a file other than the addon.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { appRoot, unpackedRoot } from '../appRoot.js';

/** One entry of the opcode table in compute/native/src/opcodes.h, as the loaded addon reports it. */
export interface OpcodeEntry {
  name: string;
  code: number;
  arity: number;
  /** The primitive it implements (compute/core/primitives.ts), or 'load' / 'const'. */
  primitive: string;
}

/** A validated program, opaque to JavaScript. */
export type NativeProgram = { readonly __nativeProgram: unique symbol };

export interface NativeRunOptions {
  /** Threads that may work on the run at once (default: the whole pool). */
  workers?: number;
  /** Contiguous parts the output is cut into (pmap: one per device). */
  parts?: number;
  onProgress?: (fraction: number) => void;
  /** The evaluator copy to run (a NativeTarget's isa the CPU can run; default: the one chosen at load). */
  isa?: string;
  /**
   * A fused map-reduce: [kind, length, segments, parts]; out is then the Float64Array of partials (nativeReduce.ts).
   */
  reduce?: Float64Array;
}

/** One SIMD target of the evaluator, as the addon reports it (compute/native/src/isa.cc). */
export interface NativeTarget {
  /** 'avx512', 'avx2', 'sse4', 'sse2' (x86-64), 'neon' (arm64) or 'scalar' (one lane, never chosen by itself). */
  isa: string;
  lanesFloat32: number;
  lanesFloat64: number;
  /** The hand-written yardstick's vector math on this target: 'libmvec cos', "the evaluator's cos" or 'scalar cos'. */
  lessonCos: string;
}

/** An asynchronous run: its promise (milliseconds of pool time) and a way to stop it between blocks. */
export interface NativeHandle {
  promise: Promise<number>;
  cancel(): void;
}

type FloatArray = Float32Array | Float64Array;

export interface NativeAddon {
  readonly bytecodeVersion: number;
  readonly blockElements: number;
  opcodes(): OpcodeEntry[];
  /** Creates the pool (once per process) and returns its size; 0 means the default. */
  startPool(threads?: number): number;
  /** 0 until the pool exists. */
  poolSize(): number;
  /** VLAB_THREADS, else the machine's hardware concurrency. */
  defaultThreads(): number;
  /**
   * The target chosen at load: the widest the CPU runs, or VLAB_NATIVE_ISA's (a value it cannot run fails the load).
   */
  isa(): string;
  /** Every target this CPU can run, widest first, scalar last. */
  targets(): NativeTarget[];
  /** Validates bytecode; throws "invalid bytecode: …" on a malformed program. */
  compile(code: Int32Array, consts: Float64Array): NativeProgram;
  run(
    program: NativeProgram,
    out: FloatArray,
    inputs: readonly FloatArray[],
    geometry: Float64Array,
    options?: NativeRunOptions,
  ): NativeHandle;
  runSync(
    program: NativeProgram,
    out: FloatArray,
    inputs: readonly FloatArray[],
    geometry: Float64Array,
    workers?: number,
    parts?: number,
    isa?: string,
    reduce?: Float64Array,
  ): void;
  /** Streaming stores over all of out with `workers` threads: the physical floor. */
  measureFloor(out: FloatArray, workers?: number, isa?: string): NativeHandle;
  /** The lesson's f written by hand in C++ over the x.length × y.length grid: the benchmark's yardstick. */
  lessonLoop(out: FloatArray, x: FloatArray, y: FloatArray, workers?: number, isa?: string): NativeHandle;
  /**
   * The lesson's f fused with a max, by hand, over x.length × y.length: out[k] is part k's maximum (one part per slot).
   */
  lessonMax(out: Float64Array, x: FloatArray, y: FloatArray, workers?: number, isa?: string): NativeHandle;
  /**
   * Reads (kind 0) or writes varying values with stores (1) or streaming stores (2), `passes` times, each thread a
   * slice (compute/machine).
   */
  probeMemory(data: FloatArray, kind: 0 | 1 | 2, passes: number, workers?: number, isa?: string): NativeHandle;
  /** The FMA loop on `workers` threads, `iterations` each: 2 · 12 vectors · the target's lanes flops per iteration. */
  probeFma(dtype: 'float32' | 'float64', iterations: number, workers?: number, isa?: string): NativeHandle;
}

export type AddonLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string };

const ADDON_RELATIVE = join('compute', 'native', 'build', 'Release', 'vlab_native.node');

/** Where the addon may be: VLAB_NATIVE_PATH, else the app's build folder (unpacked beside an asar). */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.VLAB_NATIVE_PATH) return [resolve(env.VLAB_NATIVE_PATH)];
  return [join(unpackedRoot(appRoot(env)), ADDON_RELATIVE)];
}

let cached: AddonLoad | null = null;

/** Loads the addon once per process; later calls return the same answer. */
export function loadAddon(): AddonLoad {
  cached ??= findAddon(process.env);
  return cached;
}

/** Looks for the addon as the environment says, without caching (tests call it with their own environment). */
export function findAddon(env: NodeJS.ProcessEnv): AddonLoad {
  const disabled = env.VLAB_NATIVE_DISABLE;
  if (disabled && disabled !== '0') return { addon: null, reason: 'disabled by VLAB_NATIVE_DISABLE' };
  const candidates = addonCandidates(env);
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    const log = resolve(dirname(candidates[0]!), '..', 'build.log');
    const hint = existsSync(log) ? ` (the build failed: see ${log})` : '';
    return {
      addon: null,
      reason:
        `the native addon is not built: ${candidates[0]} does not exist${hint}; build it with npm run ` +
        `build:native (needs g++, make and python3)`,
    };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (typeof addon.compile !== 'function' || typeof addon.opcodes !== 'function') {
      return { addon: null, reason: `${path} is not the vlab native addon` };
    }
    return { addon, path };
  } catch (error) {
    return {
      addon: null,
      reason:
        `the native addon at ${path} could not be loaded: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
