// The contract's one error convention as a thrown value: a LabFailure is an
// Error that carries a LabError's kind and numbers, so code on either side
// of a transport can catch it and read `kind` instead of parsing words.
// Pure and Node-free: main throws it, the renderer's LabApi rejects with it
// (rebuilt from the InvokeReply's error), and both import this file.

import type { LabError, LabErrorKind } from './contract.js';

const NUMBERS = ['position', 'length', 'neededBytes', 'availableBytes'] as const;

export class LabFailure extends Error implements LabError {
  readonly kind: LabErrorKind;
  readonly position?: number;
  readonly length?: number;
  readonly neededBytes?: number;
  readonly availableBytes?: number;

  constructor(error: LabError) {
    super(error.message);
    this.name = 'LabFailure';
    this.kind = error.kind;
    for (const key of NUMBERS)
      if (typeof error[key] === 'number') (this as { [K in typeof key]?: number })[key] = error[key];
  }

  /** The plain object that crosses a transport: kind, message, and only the numbers this failure has. */
  toLabError(): LabError {
    return labErrorFields(this.kind, this.message, this);
  }
}

/** A LabError from a kind, a message and whichever of the numbers `source` carries as numbers. */
export function labErrorFields(kind: LabErrorKind, message: string, source: object = {}): LabError {
  const out: LabError = { kind, message };
  for (const key of NUMBERS) {
    const value = (source as Partial<Record<(typeof NUMBERS)[number], unknown>>)[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}
