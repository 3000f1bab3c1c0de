// Refuses a run that would not fit, before anything is allocated: the
// predicted bytes are checked against a cap (the caller's, VLAB_MEMORY_CAP,
// or most of the memory the machine has free) and against the largest buffer
// this JavaScript runtime can allocate. A refusal names the bytes needed.

import { constants as bufferConstants } from 'node:buffer';
import { freemem } from 'node:os';
import { allocator } from '../core/allocator.js';
import { formatBytes } from '../report/figures.js';

export { formatBytes };

/** Leave this share of free memory to the rest of the machine. */
const FREE_MEMORY_SHARE = 0.8;

export class MemoryGuardError extends Error {
  constructor(
    message: string,
    readonly neededBytes: number,
    readonly availableBytes: number,
  ) {
    super(message);
    this.name = 'MemoryGuardError';
  }
}

/** The cap a run is checked against: explicit, else VLAB_MEMORY_CAP (bytes), else most of the free memory. */
export function memoryCap(explicit?: number): number {
  if (explicit !== undefined) return explicit;
  const fromEnv = Number(process.env.VLAB_MEMORY_CAP);
  if (process.env.VLAB_MEMORY_CAP && Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  // Buffers the allocator holds for reuse can be given back, so they count as free.
  return (freemem() + allocator.stats().reservedBytes) * FREE_MEMORY_SHARE;
}

/** The largest single typed array this runtime allows, in bytes. */
export const MAX_BUFFER_BYTES = bufferConstants.MAX_LENGTH;

export interface MemoryCheck {
  predictedBytes: number;
  largestBufferBytes: number;
  capBytes: number;
  /** What would help, e.g. "use a smaller n or float32": said after the figures. */
  advice: string;
}

/** Throws MemoryGuardError when the run would not fit. */
export function checkMemory(what: string, { predictedBytes, largestBufferBytes, capBytes, advice }: MemoryCheck): void {
  if (largestBufferBytes > MAX_BUFFER_BYTES) {
    throw new MemoryGuardError(
      `${what} needs a single buffer of ${formatBytes(largestBufferBytes)}, more than the ` +
        `${formatBytes(MAX_BUFFER_BYTES)} this runtime can allocate; ${advice}`,
      largestBufferBytes,
      MAX_BUFFER_BYTES,
    );
  }
  if (predictedBytes > capBytes) {
    throw new MemoryGuardError(
      `${what} needs ${formatBytes(predictedBytes)} but only ${formatBytes(capBytes)} is available; ${advice}`,
      predictedBytes,
      capBytes,
    );
  }
}
