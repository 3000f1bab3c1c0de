// The window reopens where it was: its size, position and maximized state are
// kept in the app's data folder (window-state.json) and restored at start,
// clamped to a display that is there now — a window saved on a second
// monitor since unplugged comes back on the primary one, whole, never off
// screen. The placement is pure (tested with any displays); the tracker
// writes on close, and after moves settle, so a crash keeps the last place.

import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import { type SameType } from '../../compute/leaves.js';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The window's bounds when not maximized (Electron's normal bounds). */
  bounds: Bounds;
  maximized: boolean;
}

/** Where to open the window: no x and y means "centred" (Electron's default). */
export interface Placement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 960, height: 640 } as const;
export const WINDOW_STATE_FILE = 'window-state.json';

const coordinate = v.pipe(v.number(), v.finite());
const extent = v.pipe(v.number(), v.finite(), v.gtValue(0));
/** What window-state.json holds; other fields (from another version) are ignored. */
const windowState = v.object({
  bounds: v.object({ x: coordinate, y: coordinate, width: extent, height: extent }),
  maximized: v.boolean(),
});
true satisfies SameType<v.InferOutput<typeof windowState>, WindowState>;

/** The saved state, or null when the file is missing, damaged or from something else. */
export function parseWindowState(text: string): WindowState | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const result = v.safeParse(windowState, data, { abortEarly: true });
  return result.success ? result.output : null;
}

function overlapArea(a: Bounds, b: Bounds): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);

/**
 * Where the window opens: the saved bounds moved and shrunk, as little as
 * needed, to lie whole inside the work area (the display less its task bars)
 * of the display they overlap most; on the primary display, centred, when
 * they overlap none. No saved state: the default size, centred.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Bounds[], primary: Bounds): Placement {
  if (!saved)
    return {
      width: Math.min(DEFAULT_SIZE.width, primary.width),
      height: Math.min(DEFAULT_SIZE.height, primary.height),
      maximized: false,
    };
  const { bounds } = saved;
  let target: Bounds | null = null;
  let best = 0;
  for (const area of workAreas) {
    const overlap = overlapArea(bounds, area);
    if (overlap > best) [target, best] = [area, overlap];
  }
  const area = target ?? primary;
  const width = Math.round(Math.min(bounds.width, area.width));
  const height = Math.round(Math.min(bounds.height, area.height));
  if (!target) {
    return {
      x: Math.round(area.x + (area.width - width) / 2),
      y: Math.round(area.y + (area.height - height) / 2),
      width,
      height,
      maximized: saved.maximized,
    };
  }
  return {
    x: Math.round(clamp(bounds.x, area.x, area.x + area.width - width)),
    y: Math.round(clamp(bounds.y, area.y, area.y + area.height - height)),
    width,
    height,
    maximized: saved.maximized,
  };
}

export function readWindowState(dataDir: string): WindowState | null {
  try {
    return parseWindowState(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** Written beside and renamed over, synchronously: it runs as the window closes, and the app may quit right after. */
export function writeWindowState(dataDir: string, state: WindowState): void {
  const file = join(dataDir, WINDOW_STATE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.partial`, `${JSON.stringify(state)}\n`, 'utf8');
  renameSync(`${file}.partial`, file);
}

/** The few members of BrowserWindow the tracker uses. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Bounds;
  isMaximized(): boolean;
}

/** How long moves and resizes must settle before the state is written. */
export const SETTLE_MS = 500;

/** Keeps the window's state in `dataDir` as it moves, and when it closes. */
export function trackWindowState(
  window: TrackedWindow,
  dataDir: string,
  onError: (error: unknown) => void = () => {},
): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      writeWindowState(dataDir, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      onError(error);
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SETTLE_MS);
  };
  for (const event of ['resize', 'move'] as const) window.on(event, later);
  for (const event of ['maximize', 'unmaximize', 'close'] as const) window.on(event, save);
}
