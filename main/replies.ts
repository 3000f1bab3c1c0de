// How main answers an invoke on either transport (Electron's IPC, the web
// shell's WebSocket): the handler's value, or its failure as the contract's
// LabError — never a rejection, which Electron would flatten to the text
// "Error invoking remote method …" with the kind and numbers lost. Every
// error main can meet is given its kind here, in one place.

import type { InvokeReply, LabError } from './contract.js';
import { LabFailure, labErrorFields } from './labError.js';
import { InvalidRequestError } from './validate.js';

function isFileSystemError(error: Error): boolean {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string';
}

/**
 * Any thrown value as a LabError: an engine error keeps its kind and numbers; a refused request is 'invalid-request'.
 */
export function labErrorOf(error: unknown): LabError {
  if (error instanceof LabFailure) return error.toLabError();
  if (!(error instanceof Error)) return { kind: 'engine', message: String(error) };
  const message = error.message || error.name;
  if (error instanceof InvalidRequestError) return labErrorFields('invalid-request', message);
  if (isFileSystemError(error)) return labErrorFields('io', message);
  return labErrorFields('engine', message);
}

/** The reply to an invoke: what `work` returns, or what it threw as a LabError. */
export async function replyOf<T>(work: () => Promise<T> | T): Promise<InvokeReply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: labErrorOf(error) };
  }
}
