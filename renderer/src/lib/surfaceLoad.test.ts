import { describe, expect, it } from 'vitest';
import { mountWhenLoaded } from './surfaceLoad';

// A canvas with no WebGL: what a window without a GPU context gives the scene.
const noWebGl = {
  getContext: () => null,
  addEventListener: () => {},
  removeEventListener: () => {},
} as unknown as HTMLCanvasElement;
const box = {} as HTMLElement;

describe('mountWhenLoaded', () => {
  it('says in words that the view needs WebGL when the scene cannot start', async () => {
    await expect(mountWhenLoaded(noWebGl, box, new AbortController().signal)).rejects.toThrow(
      /^The 3D view needs WebGL, which this window could not start \(.*WebGL context.*\)\.$/,
    );
  });

  it('makes nothing once the surface has gone away', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(mountWhenLoaded(noWebGl, box, gone.signal)).resolves.toBeNull();
  });
});
