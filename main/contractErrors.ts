// The contract's one error convention (contract.ts): what kind of failure an invoke met, the LabError every refused
// invoke answers with, and the reply that carries either the value or that error across both transports. Types only:
// the renderer imports them through the contract.

/** What kind of failure an invoke met: the renderer chooses what to show by it, never by the message's words. */
export type LabErrorKind =
  /** The request itself was refused: it failed validation (validate.ts), or the engine cannot honour it as asked. */
  | 'invalid-request'
  /** It did not come from the lab's own window. */
  | 'refused'
  /** The formula does not parse or names something unknown: see position and length. */
  | 'formula'
  /** The memory guard refused the run before anything was allocated: see neededBytes and availableBytes. */
  | 'memory'
  /** A strategy or backend this machine does not have (no addon, no GPU adapter, no Python). */
  | 'unavailable'
  /** A file that is not the lab's settings. */
  | 'settings'
  | 'cancelled'
  /** The engine is doing another task: cancel it or wait. */
  | 'busy'
  /** The engine thread died; a fresh one has been started. */
  | 'crash'
  /** A file could not be read or written. */
  | 'io'
  /** The renderer lost its connection to the shell (the web shell's host stopped). */
  | 'disconnected'
  /** Any other failure inside the engine or the shell. */
  | 'engine';

/** The contract's one error convention: what every refused invoke answers, on both transports. */
export interface LabError {
  kind: LabErrorKind;
  message: string;
  /** kind 'formula': where in the text, and how many characters. */
  position?: number;
  length?: number;
  /** kind 'memory': the bytes the run needs, and those it may use. */
  neededBytes?: number;
  availableBytes?: number;
}

/**
 * How every invoke is answered across a transport: its value, or the error. Never a rejection, which Electron's IPC
 * would flatten to text.
 */
export type InvokeReply<T> = { ok: true; value: T } | { ok: false; error: LabError };
