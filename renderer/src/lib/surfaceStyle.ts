// How the surface is drawn, as the user sets it beside the plot: colormap,
// contours (on the surface and projected on the floor, with how many levels),
// wireframe and the vertical scale. Plain data, so it can be saved with the
// other settings; the bounds are here so the controls and the scene agree.

import type { ColormapName } from './colormap';

export interface SurfaceStyle {
  colormap: ColormapName;
  contours: boolean;
  contourLevels: number;
  wireframe: boolean;
  /** The box's height against its width: 1 is the default proportion. */
  zScale: number;
}

export const CONTOUR_LEVELS = { min: 2, max: 30, default: 10 } as const;
export const Z_SCALE = { min: 0.25, max: 3, default: 1 } as const;

export function defaultSurfaceStyle(): SurfaceStyle {
  return {
    colormap: 'viridis',
    contours: false,
    contourLevels: CONTOUR_LEVELS.default,
    wireframe: false,
    zScale: Z_SCALE.default,
  };
}
