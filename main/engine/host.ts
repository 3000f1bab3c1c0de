// Runs the engine in a process of its own (port.ts: a Node child, or
// Electron's utility process) so that the window never waits on a
// computation and no crash there — an uncaught error, or an abort in native
// code such as Dawn's — takes the app down. Calls are promises; progress
// comes back as events, typed by the method called; a call is cancelled
// through its AbortSignal. A failure rejects with an EngineError carrying
// the contract's LabError kind and numbers. When the engine dies, every
// pending call fails with EngineCrashedError, onCrash says why, and a fresh
// engine starts. Closing cancels what is in flight and gives the engine a
// short grace period to exit on its own before it is killed. It never runs
// engine code in the calling process.

import { LabFailure } from '../labError.js';
import { forkEngine, type EngineExit, type EngineProcess, type SpawnEngine } from './port.js';
import type {
  EngineMethod,
  FromWorker,
  ParamsOf,
  ProgressOf,
  ResultOf,
  SerializedError,
  ToWorker,
} from './protocol.js';

/** How long a closing engine may take to exit on its own before it is killed. */
export const SHUTDOWN_GRACE_MS = 2000;

/** An error the engine raised, with its kind and numbers kept (a formula's position, the bytes a run needs). */
export class EngineError extends LabFailure {
  constructor(error: SerializedError) {
    super(error);
    this.name = 'EngineError';
  }
}

/** The engine died while the call was pending (kind 'crash'); a fresh one has been started. */
export class EngineCrashedError extends LabFailure {
  constructor(message: string) {
    super({ kind: 'crash', message });
    this.name = 'EngineCrashedError';
  }
}

export interface CallOptions<M extends EngineMethod> {
  signal?: AbortSignal;
  /** The call's progress, in its method's type: a method without progress takes none. */
  onProgress?: (progress: ProgressOf<M>) => void;
}

export interface EngineHostOptions {
  /** The engine's entry module (main/engine/entry.ts chooses it). */
  entry: string;
  /** Shown in crash messages: "the run engine stopped: …". */
  label: string;
  onCrash?: (message: string) => void;
  /** Extra environment for the engine (tests). */
  env?: NodeJS.ProcessEnv;
  /** How the shell starts an engine process: Electron's utility process, or (the default) a Node child. */
  spawn?: SpawnEngine;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress: ((progress: unknown) => void) | undefined;
  cleanup: () => void;
}

/** One engine process, and what the host knows of it. */
interface Engine {
  process: EngineProcess;
  /** Messages held until the engine says it listens. */
  queue: ToWorker[] | null;
  /** Its last word, if it died of an uncaught error. */
  fatal: string | null;
  exited: Promise<void>;
}

export class EngineHost {
  private engine: Engine | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** How many times an engine has been started (1 after the first call). */
  generation = 0;

  constructor(private readonly options: EngineHostOptions) {}

  call<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: CallOptions<M> = {}): Promise<ResultOf<M>> {
    if (this.closed) return Promise.reject(new Error(`the ${this.options.label} has been shut down`));
    if (options.signal?.aborted) return Promise.reject(cancelled());
    const engine = this.ensureEngine();
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = () => this.post(engine, { type: 'cancel', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress as ((progress: unknown) => void) | undefined,
        cleanup: () => {
          options.signal?.removeEventListener('abort', onAbort);
          if (this.pending.size === 0) this.engine?.process.hold?.(false);
        },
      });
      engine.process.hold?.(true);
      this.post(engine, { type: 'call', id, method, params } as ToWorker);
    });
  }

  /**
   * Stops the engine: pending calls fail at once, the engine is cancelled and told to exit, and killed if it has not
   * within SHUTDOWN_GRACE_MS.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const engine = this.engine;
    this.engine = null;
    const ids = [...this.pending.keys()];
    this.failAll(new Error(`the ${this.options.label} was shut down`));
    if (!engine) return;
    for (const id of ids) this.post(engine, { type: 'cancel', id });
    this.post(engine, { type: 'shutdown' });
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SHUTDOWN_GRACE_MS)));
    if ((await Promise.race([engine.exited.then(() => 'exited' as const), grace])) === 'late') {
      engine.process.kill();
      await engine.exited;
    }
    clearTimeout(timer);
  }

  private ensureEngine(): Engine {
    if (this.engine) return this.engine;
    // A process of its own has an environment of its own: what the webgpu
    // backend sets there while Dawn starts (EGL_PLATFORM, VK_ICD_FILENAMES)
    // reaches the GPU drivers' getenv() in that process. It is a copy of the
    // host's as it is now: a variable the host sets later (VLAB_MEMORY_CAP)
    // reaches the next engine, not this one.
    const spawn = this.options.spawn ?? forkEngine;
    const child = spawn(this.options.entry, { env: { ...process.env, ...this.options.env } });
    let onExited = () => {};
    const engine: Engine = {
      process: child,
      queue: [],
      fatal: null,
      exited: new Promise<void>((resolve) => (onExited = resolve)),
    };
    this.generation++;
    child.onMessage((message) => this.onMessage(engine, message));
    child.onExit((exit) => {
      onExited();
      this.onDeath(engine, exit);
    });
    this.engine = engine;
    return engine;
  }

  private post(engine: Engine, message: ToWorker): void {
    if (engine.queue) engine.queue.push(message);
    else engine.process.send(message);
  }

  private onMessage(engine: Engine, message: FromWorker): void {
    if (message.type === 'ready') {
      const queued = engine.queue ?? [];
      engine.queue = null;
      for (const held of queued) engine.process.send(held);
      return;
    }
    if (message.type === 'fatal') {
      engine.fatal = message.message;
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    switch (message.type) {
      case 'progress':
        call.onProgress?.(message.progress);
        return;
      case 'result':
        this.pending.delete(message.id);
        call.cleanup();
        call.resolve(message.value);
        return;
      case 'error':
        this.pending.delete(message.id);
        call.cleanup();
        call.reject(new EngineError(message.error));
        return;
      default:
        message satisfies never;
    }
  }

  private onDeath(engine: Engine, exit: EngineExit): void {
    // Only the current engine's death is news: a closed or replaced one was meant to go.
    if (this.engine !== engine) return;
    this.engine = null;
    if (this.closed) return;
    // Its own last word where it had one; the signal too where it did not go quietly after it.
    const why = engine.fatal
      ? exit.signal
        ? `${engine.fatal}; then ${describeExit(exit)}`
        : engine.fatal
      : describeExit(exit);
    const message = `the ${this.options.label} stopped: ${why}`;
    this.failAll(new EngineCrashedError(message));
    this.options.onCrash?.(message);
    // A fresh engine, ready for the next call — unless this one never came up
    // (a broken entry): then the next call tries again, rather than a loop of
    // processes that die as they start.
    if (engine.queue === null) this.ensureEngine();
  }

  private failAll(error: Error): void {
    for (const call of this.pending.values()) {
      call.cleanup();
      call.reject(error);
    }
    this.pending.clear();
  }
}

/** "it was killed by SIGABRT (an abort, e.g. in native code)", "it exited with code 1". */
export function describeExit({ code, signal }: EngineExit): string {
  if (signal === 'SIGABRT') return 'it was killed by SIGABRT (an abort, e.g. in native code such as the GPU driver)';
  if (signal) return `it was killed by ${signal}`;
  if (code === null) return 'its process could not be started';
  return `it exited with code ${code}`;
}

function cancelled(): EngineError {
  return new EngineError({ kind: 'cancelled', message: 'the run was cancelled' });
}
