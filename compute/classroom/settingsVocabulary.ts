// The vocabulary of a `.vlab.json` file that the shells need without the
// engine: its extension and size limit, the themes, the teacher layout's
// item names and the settings' type. A leaf module (types only imported), so
// the request validators and the desktop's File ▸ Open… read the same facts
// without loading compute/.

import type { GridSettings, ReduceMode, StrategyName } from '../strategies/types.js';

export const SETTINGS_EXTENSION = '.vlab.json';
/** A settings file is a few hundred bytes; anything far larger is not one. */
export const MAX_SETTINGS_BYTES = 64 * 1024;

export type Theme = 'system' | 'light' | 'dark';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

/**
 * What a teacher can hide (as TensorFlow Playground's hidden controls): the
 * window's panels, the lower tabs, and each control on the left. Strategies
 * are hidden by name, in `hiddenStrategies`.
 */
export const LAYOUT_ITEMS = [
  'panel:controls',
  'panel:surface',
  'panel:comparison',
  'panel:lower',
  'tab:results',
  'tab:lesson',
  'tab:graph',
  'tab:machine',
  'control:grid-size',
  'control:formula',
  'control:dtype',
  'control:strategies',
  'control:repeats',
  'control:threads',
  'control:memory-guard',
  'control:run',
] as const;
export type LayoutItem = (typeof LAYOUT_ITEMS)[number];

export interface LayoutSettings {
  /** Panels, tabs and controls left out of the window, in LAYOUT_ITEMS' order. */
  hidden: LayoutItem[];
  /** Strategies left out of the toggles, the runs and the comparison. */
  hiddenStrategies: StrategyName[];
  /** The surface and the comparison only, for the front of a class. */
  presenter: boolean;
}

/**
 * What a teacher set up, as the app holds it and a `.vlab.json` file stores it
 * (settings.ts reads and writes the file): the lab's grid and what surrounds
 * it. A file may give `n` for nx and ny, the square shorthand (files from
 * before rectangular grids do); a square grid is also written with `n`, so
 * that those versions open it the same.
 */
export interface LabSettings extends GridSettings {
  /** The output: absent, the grid; else a number from it, whose sides may reach the answer limit. */
  reduce?: ReduceMode;
  strategies: StrategyName[];
  /** 0-based index of the lesson step on screen. */
  lessonStep: number;
  sweep: { nMin: number; nMax: number; points: number };
  theme: Theme;
  projector: boolean;
  layout: LayoutSettings;
}
