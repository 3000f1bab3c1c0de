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
  /** A fused map-reduce: [kind, length, segments, parts]; out is then the Float64Array of partials (nativeReduce.ts). */
  reduce?: Float64Array;
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
  /** The instruction-set copy of the evaluator chosen at load ('avx512', 'avx2', 'generic'; VLAB_NATIVE_ISA forces one the CPU can run). */
  isa(): string;
  /** Validates bytecode; throws "invalid bytecode: …" on a malformed program. */
  compile(code: Int32Array, consts: Float64Array): NativeProgram;
  run(program: NativeProgram, out: FloatArray, inputs: readonly FloatArray[], geometry: Float64Array, options?: NativeRunOptions): NativeHandle;
  runSync(
    program: NativeProgram, out: FloatArray, inputs: readonly FloatArray[], geometry: Float64Array,
    workers?: number, parts?: number, reduce?: Float64Array,
  ): void;
  /** Streaming stores over all of out with `workers` threads: the physical floor. */
  measureFloor(out: FloatArray, workers?: number): NativeHandle;
  /** The lesson's f written by hand in C++ over the x.length × y.length grid: the benchmark's yardstick. */
  lessonLoop(out: FloatArray, x: FloatArray, y: FloatArray, workers?: number): NativeHandle;
  /** The lesson's f fused with a max, by hand, over x.length × y.length: out[k] is part k's maximum (one part per slot). */
  lessonMax(out: Float64Array, x: FloatArray, y: FloatArray, workers?: number): NativeHandle;
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
      reason: `the native addon is not built: ${candidates[0]} does not exist${hint}; build it with npm run build:native (needs g++, make and python3)`,
    };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (typeof addon.compile !== 'function' || typeof addon.opcodes !== 'function') {
      return { addon: null, reason: `${path} is not the vlab native addon` };
    }
    return { addon, path };
  } catch (error) {
    return { addon: null, reason: `the native addon at ${path} could not be loaded: ${error instanceof Error ? error.message : String(error)}` };
  }
}
