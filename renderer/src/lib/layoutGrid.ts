// The window's grid when a teacher's layout hides panels: the controls
// column on the left (if shown), the surface and the comparison side by side
// (either one alone takes the whole width), the lower tabs across the bottom.
// Pure, so each combination is tested; the full layout keeps app's CSS (and
// its projector and narrow-window rules) and needs no grid from here.

export type Panel = 'controls' | 'surface' | 'comparison' | 'lower';

/** A CSS grid of the window's panels (not a Grid of points): its template. */
export interface LayoutGrid {
  columns: string;
  rows: string;
  areas: string;
}

export function layoutGrid(shown: ReadonlySet<Panel>): LayoutGrid | null {
  const top = (['surface', 'comparison'] as const).filter((p) => shown.has(p));
  const lower = shown.has('lower');
  const controls = shown.has('controls');
  if (top.length === 2 && lower && controls) return null;
  const width = Math.max(1, top.length);
  const rows: Panel[][] = [];
  if (top.length) rows.push([...top]);
  if (lower || rows.length === 0) rows.push(Array<Panel>(width).fill('lower'));
  const withControls = controls ? rows.map((row) => ['controls' as Panel, ...row]) : rows;
  return {
    columns: [...(controls ? ['minmax(290px, 330px)'] : []), ...Array<string>(width).fill('minmax(0, 1fr)')].join(' '),
    rows: top.length && lower ? 'minmax(420px, auto) auto' : top.length ? 'minmax(420px, 1fr)' : 'auto',
    areas: withControls.map((row) => `'${row.join(' ')}'`).join(' '),
  };
}
