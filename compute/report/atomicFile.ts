// Writes a file the way exports must be written: beside its target, synced,
// and renamed over it only when complete, so a crash or a cancel mid-write
// leaves the earlier file whole — never half of one. The partial file's name
// carries the process id, so a later export can tell stale partials of dead
// processes (main/engine/gridCsv.ts removes them).

import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/** Where an export to `path` is written until it is complete (the engine worker shares the app's pid). */
export function partialPathOf(path: string): string {
  return `${path}.partial-${process.pid}`;
}

/** Runs `write` on the partial file, then renames it to `path`; on failure removes the partial and rethrows. */
export async function writeBesideThenRename<T>(path: string, write: (file: FileHandle) => Promise<T>): Promise<T> {
  const partial = partialPathOf(path);
  const file = await open(partial, 'w');
  let result: T;
  let complete = false;
  try {
    result = await write(file);
    await file.sync();
    complete = true;
  } finally {
    await file.close();
    if (!complete) await rm(partial, { force: true });
  }
  await rename(partial, path);
  return result;
}
