// The 3D view put on a canvas: the three.js scene (surfaceScene.ts), sized to
// the box it sits in and following the page's theme. This module is where
// three.js enters the renderer: Surface.svelte loads it with a dynamic
// import(), so three.js and the scene's modules come in a chunk of their own
// and the page connects and shows its controls without waiting for them.

import { SurfaceScene } from './surfaceScene';
import { themeAt } from './surfaceTheme';

export interface MountedSurface {
  scene: SurfaceScene;
  /** Stops following the box and the theme, and frees the scene's GPU objects. */
  dispose(): void;
}

/** Makes the scene on `canvas`, sized to `box`; throws, having started nothing, when WebGL cannot start. */
export function mountSurface(canvas: HTMLCanvasElement, box: HTMLElement): MountedSurface {
  const scene = new SurfaceScene(canvas);
  const observer = new ResizeObserver(() => scene.resize(box.clientWidth, box.clientHeight));
  observer.observe(box);
  scene.resize(box.clientWidth, box.clientHeight);
  // The theme lives in <html>'s data-theme and class (projector), and in the system's colour scheme.
  const root = box.ownerDocument.documentElement;
  const followTheme = () => scene.setTheme(themeAt(box, root.classList.contains('projector')));
  const themeObserver = new MutationObserver(followTheme);
  themeObserver.observe(root, { attributes: true, attributeFilter: ['class', 'data-theme'] });
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', followTheme);
  followTheme();
  return {
    scene,
    dispose() {
      observer.disconnect();
      themeObserver.disconnect();
      scheme.removeEventListener('change', followTheme);
      scene.dispose();
    },
  };
}
