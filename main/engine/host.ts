// Runs the engine in a worker thread so that the window never waits on a
// computation. Calls are promises; progress comes back as events, typed by
// the method called; a call is cancelled through its AbortSignal. A failure
// rejects with an EngineError carrying the contract's LabError kind and numbers. When the worker dies (an uncaught
// error, a native crash that spares the process, an exit), every pending call
// fails with EngineCrashedError, onCrash says why, and a fresh worker starts.
// It never runs engine code on the calling thread.

import { SHARE_ENV, Worker } from 'node:worker_threads';
import { LabFailure } from '../labError.js';
import type { EngineMethod, FromWorker, ParamsOf, ProgressOf, ResultOf, SerializedError, ToWorker } from './protocol.js';

/** An error the engine raised, with its kind and numbers kept (a formula's position, the bytes a run needs). */
export class EngineError extends LabFailure {
  constructor(error: SerializedError) {
    super(error);
    this.name = 'EngineError';
  }
}

/** The worker died while the call was pending (kind 'crash'); a fresh one has been started. */
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
  /** The worker's entry module (a .mjs that loads the TypeScript worker). */
  entry: URL | string;
  /** Shown in crash messages: "the run engine stopped: …". */
  label: string;
  onCrash?: (message: string) => void;
  /** Extra environment for the worker (tests). */
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress: ((progress: unknown) => void) | undefined;
  cleanup: () => void;
}

export class EngineHost {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** How many times a worker has been started (1 after the first call). */
  generation = 0;

  constructor(private readonly options: EngineHostOptions) {}

  call<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: CallOptions<M> = {}): Promise<ResultOf<M>> {
    if (this.closed) return Promise.reject(new Error(`the ${this.options.label} has been shut down`));
    if (options.signal?.aborted) return Promise.reject(cancelled());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = () => this.post(worker, { type: 'cancel', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress as ((progress: unknown) => void) | undefined,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      this.post(worker, { type: 'call', id, method, params } as ToWorker);
    });
  }

  /** Stops the worker; pending calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error(`the ${this.options.label} was shut down`));
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The process's own environment, not a copy: GPU drivers read it through
    // getenv(), so the variables the webgpu backend sets while Dawn starts
    // (EGL_PLATFORM, VK_ICD_FILENAMES) must reach them. Tests that pass extra
    // variables get a copy instead.
    const worker = new Worker(this.options.entry, {
      env: this.options.env ? { ...process.env, ...this.options.env } : SHARE_ENV,
    });
    this.generation++;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.onDeath(worker, `the ${this.options.label} stopped: ${error.message}`));
    worker.on('exit', (code) => this.onDeath(worker, `the ${this.options.label} exited with code ${code}`));
    // A worker with nothing to do must not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    if (message.type === 'ready') return;
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

  private onDeath(worker: Worker, message: string): void {
    // 'error' is followed by 'exit': report the first, for the worker that is current.
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.closed) return;
    this.failAll(new EngineCrashedError(message));
    this.options.onCrash?.(message);
    // A fresh engine, ready for the next call.
    this.ensureWorker();
  }

  private failAll(error: Error): void {
    for (const call of this.pending.values()) {
      call.cleanup();
      call.reject(error);
    }
    this.pending.clear();
  }
}

function cancelled(): EngineError {
  return new EngineError({ kind: 'cancelled', message: 'the run was cancelled' });
}
