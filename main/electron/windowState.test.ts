import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SIZE, parseWindowState, placeWindow, type Bounds } from './windowState.js';

const primary: Bounds = { x: 0, y: 0, width: 1920, height: 1040 };
const right: Bounds = { x: 1920, y: 0, width: 2560, height: 1400 };
const inside = (p: { x?: number; y?: number; width: number; height: number }, area: Bounds) =>
  p.x! >= area.x && p.y! >= area.y && p.x! + p.width <= area.x + area.width && p.y! + p.height <= area.y + area.height;

describe('where the window reopens', () => {
  it('where it was, when that is on a display', () => {
    const saved = { bounds: { x: 2100, y: 50, width: 1600, height: 1000 }, maximized: false };
    expect(placeWindow(saved, [primary, right], primary)).toEqual({ ...saved.bounds, maximized: false });
  });

  it('centred on the primary display when its display is gone, maximized if it was', () => {
    const saved = { bounds: { x: 2100, y: 50, width: 1600, height: 1000 }, maximized: true };
    expect(placeWindow(saved, [primary], primary)).toEqual({
      x: 160,
      y: 20,
      width: 1600,
      height: 1000,
      maximized: true,
    });
  });

  it('pulled back whole onto the display it overlaps most, and shrunk to fit its work area', () => {
    expect(
      placeWindow(
        { bounds: { x: 1500, y: 900, width: 1000, height: 700 }, maximized: false },
        [primary, right],
        primary,
      ),
    ).toEqual({
      // Mostly on the right-hand display (580 × 500 of it against 420 × 140 of the primary).
      x: 1920,
      y: 700,
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(
      placeWindow({ bounds: { x: -50, y: -20, width: 3000, height: 2000 }, maximized: false }, [primary], primary),
    ).toEqual({
      ...primary,
      maximized: false,
    });
  });

  it('the default size, centred, the first time', () => {
    expect(placeWindow(null, [primary], primary)).toEqual({ ...DEFAULT_SIZE, maximized: false });
    expect(
      placeWindow(null, [{ x: 0, y: 0, width: 1024, height: 700 }], { x: 0, y: 0, width: 1024, height: 700 }),
    ).toEqual({ width: 1024, height: 700, maximized: false });
  });

  it('always lies whole on one of the displays there are, wherever it was saved', () => {
    const area = fc.record({
      x: fc.integer({ min: -4000, max: 4000 }),
      y: fc.integer({ min: -2000, max: 2000 }),
      width: fc.integer({ min: 640, max: 4000 }),
      height: fc.integer({ min: 480, max: 2500 }),
    });
    const bounds = fc.record({
      x: fc.integer({ min: -10000, max: 10000 }),
      y: fc.integer({ min: -10000, max: 10000 }),
      width: fc.integer({ min: 1, max: 6000 }),
      height: fc.integer({ min: 1, max: 6000 }),
    });
    fc.assert(
      fc.property(fc.array(area, { minLength: 1, maxLength: 3 }), bounds, fc.boolean(), (areas, saved, maximized) => {
        const placed = placeWindow({ bounds: saved, maximized }, areas, areas[0]!);
        expect(areas.some((a) => inside(placed, a))).toBe(true);
        expect(placed.maximized).toBe(maximized);
        expect(placed.width).toBeLessThanOrEqual(saved.width);
      }),
    );
  });

  it('reads only a whole state: a damaged or foreign file is no state', () => {
    expect(parseWindowState('{"bounds":{"x":1,"y":2,"width":800,"height":600},"maximized":false}')).toEqual({
      bounds: { x: 1, y: 2, width: 800, height: 600 },
      maximized: false,
    });
    for (const text of [
      '',
      '{',
      'null',
      '[]',
      '{"bounds":{"x":1,"y":2,"width":800},"maximized":false}',
      '{"bounds":{"x":1,"y":2,"width":0,"height":600},"maximized":false}',
      '{"bounds":{"x":"1","y":2,"width":800,"height":600},"maximized":false}',
      '{"bounds":{"x":1,"y":2,"width":800,"height":600}}',
    ]) {
      expect(parseWindowState(text), text).toBeNull();
    }
  });
});
