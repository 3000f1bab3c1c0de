// The channel between the engine host (host.ts) and its engine, which runs in
// a process of its own: a crash there — an uncaught error, or an abort in
// native code such as Dawn's on a pending GPU promise — ends that process
// only. Two ends, each small enough that host.ts and the RPC loop
// (worker.ts) never ask which kind of process it is: a Node child
// (child_process.fork, here) or Electron's utility process
// (main/electron/engineProcess.ts). Messages are structured clones (typed
// arrays stay typed arrays, NaN stays NaN), copied, not transferred.

import { fork } from 'node:child_process';
import type { FromWorker, ToWorker } from './protocol.js';

/** How an engine process ended: its exit code, or the signal that killed it (null where the platform does not say). */
export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The host's end: one engine process, as host.ts drives it. */
export interface EngineProcess {
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once, when the process is gone (or never started). */
  onExit(listener: (exit: EngineExit) => void): void;
  /** Ends the process now, whatever it is doing. */
  kill(): void;
  /**
   * Whether the process keeps the host's event loop alive: while a call is pending, not while it idles. Where the
   * host's process lives on anyway (Electron), absent.
   */
  hold?(busy: boolean): void;
}

/** Starts one engine process from its entry module (main/engine/entry.ts chooses which). */
export type SpawnEngine = (entry: string, options: { env: NodeJS.ProcessEnv }) => EngineProcess;

/** The engine's end: what the RPC loop reads and writes. */
export interface EnginePort {
  onMessage(listener: (message: ToWorker) => void): void;
  post(message: FromWorker): void;
  /**
   * Sends `last` (if any), then ends this process with `code`; a message that cannot be flushed within a second is
   * given up.
   */
  exit(code: number, last?: FromWorker): void;
}

/** How long a last message may take to leave before the process exits anyway. */
const LAST_MESSAGE_MS = 1000;

/**
 * A Node child process over its IPC channel, with the 'advanced'
 * (structured-clone) serialization. Its stdout and stderr are the host's;
 * stdin is closed. The execArgv is empty, not the host's: a compiled entry
 * needs no flags, and the development entry registers tsx itself.
 */
export const forkEngine: SpawnEngine = (entry, { env }) => {
  const child = fork(entry, [], {
    env,
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const hold = (busy: boolean) => {
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };
  // An idle engine must not keep the host's process alive.
  hold(false);
  let exitListener: ((exit: EngineExit) => void) | null = null;
  let exited: EngineExit | null = null;
  const ended = (exit: EngineExit) => {
    if (exited) return;
    exited = exit;
    exitListener?.(exit);
  };
  child.on('exit', (code, signal) => ended({ code, signal }));
  // 'error' is a spawn that failed (no 'exit' follows) or a message that could not be sent (the exit follows).
  child.on('error', () => {
    if (child.pid === undefined) ended({ code: null, signal: null });
  });
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => void child.on('message', (message) => listener(message as FromWorker)),
    onExit: (listener) => {
      exitListener = listener;
      if (exited) listener(exited);
    },
    kill: () => void child.kill('SIGKILL'),
    hold,
  };
};

/** Electron's utility process gives its child `process.parentPort`; Node's types do not know it. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** This process's end of the channel: Electron's parentPort in a utility process, else Node's IPC channel. */
export function enginePortOfThisProcess(): EnginePort {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      onMessage: (listener) => parentPort.on('message', ({ data }) => listener(data as ToWorker)),
      post: (message) => parentPort.postMessage(message),
      exit: (code, last) => {
        if (last) parentPort.postMessage(last);
        // postMessage has no completion callback: a turn of the loop lets it leave.
        setTimeout(() => process.exit(code), 20);
      },
    };
  }
  if (!process.send)
    throw new Error('the engine must run in a child process started by its host (main/engine/host.ts)');
  const send = process.send.bind(process);
  // The host has gone (closed, or crashed itself): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
  return {
    onMessage: (listener) => void process.on('message', (message) => listener(message as ToWorker)),
    post: (message) => void send(message),
    exit: (code, last) => {
      if (!last || !process.connected) process.exit(code);
      setTimeout(() => process.exit(code), LAST_MESSAGE_MS);
      send(last, undefined, undefined, () => process.exit(code));
    },
  };
}
