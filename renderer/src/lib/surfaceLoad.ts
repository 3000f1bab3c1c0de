// The 3D view's code (three.js and the scene's modules, two thirds of the
// renderer's bytes) is a chunk of its own, imported here with import(). It
// starts loading when this module is evaluated, with the page, beside the
// page's connection to the shell: it arrives while the app waits for its
// first answer, and the app mounts its controls without waiting for it.

import type { MountedSurface } from './surfaceMount';

const surfaceCode = import('./surfaceMount');
// Said when a surface mounts (mountWhenLoaded), not as an unhandled rejection when none does.
surfaceCode.catch(() => {});

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The scene made on `canvas`, sized to `box`, once its code has arrived and `after` has settled (Live's opening run
 * ended: liveOpening.ts); null when `signal` was aborted meanwhile (the surface went away). Rejects with what to tell
 * the user when the code did not load or WebGL did not start.
 */
export async function mountWhenLoaded(
  canvas: HTMLCanvasElement,
  box: HTMLElement,
  signal: AbortSignal,
  after: Promise<void> = Promise.resolve(),
): Promise<MountedSurface | null> {
  let code: typeof import('./surfaceMount');
  try {
    code = await surfaceCode;
  } catch (error) {
    throw new Error(`The 3D view could not load its code (${reasonOf(error)}). Reload the window to try again.`, {
      cause: error,
    });
  }
  await after;
  if (signal.aborted) return null;
  try {
    return code.mountSurface(canvas, box);
  } catch (error) {
    throw new Error(`The 3D view needs WebGL, which this window could not start (${reasonOf(error)}).`, {
      cause: error,
    });
  }
}
