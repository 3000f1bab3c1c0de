// The colormap as three.js wants vertex colours: each map's table converted
// to linear RGB once, and a value's colour written into a colour buffer
// without allocating. The surface, its wireframe and the floor's contours all
// colour through here, so they agree with the colour bar.

import { Color, SRGBColorSpace } from 'three';
import { colormapTable, TABLE_SIZE, type ColormapName } from './colormap';

/** Lines lying on the surface are dark in every theme: they are read against the colormap, not the page. */
export const SURFACE_INK = '#1b1e24';

const linearTables = new Map<ColormapName, Float32Array>();
/** The colormap's table in linear RGB, which is what three.js expects of vertex colours. */
export function linearTable(name: ColormapName): Float32Array {
  let table = linearTables.get(name);
  if (!table) {
    const srgb = colormapTable(name);
    table = new Float32Array(srgb.length);
    const color = new Color();
    for (let k = 0; k < srgb.length; k += 3) {
      color.setRGB(srgb[k]!, srgb[k + 1]!, srgb[k + 2]!, SRGBColorSpace);
      table[k] = color.r;
      table[k + 1] = color.g;
      table[k + 2] = color.b;
    }
    linearTables.set(name, table);
  }
  return table;
}

/** Writes the colour at t (0..1 along the map) of `table` into `out` at `at`. */
export function writeColor(out: Float32Array, at: number, table: Float32Array, t: number): void {
  const c = Math.round(t * (TABLE_SIZE - 1)) * 3;
  out[at] = table[c]!;
  out[at + 1] = table[c + 1]!;
  out[at + 2] = table[c + 2]!;
}
