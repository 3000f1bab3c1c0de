// The surface's vertex normals from its grid: at each point, the cross
// product of the surface's slopes along i and along j (central differences
// inside, one-sided at the edges and beside a hole). three.js's
// computeVertexNormals walks every triangle through Vector3 objects: for a
// 300 × 300 view, 27–30 ms of the page's main thread here (near 100 ms on a
// loaded machine), at every new view while a slider moves; this one pass over
// the positions takes about 4 ms. Oriented as fillGridIndex winds its
// triangles (a, c, b: along i, then j).

/**
 * Writes into `normals` the unit normal of each point of an mx × my grid of `positions` (point (i, j) at i * my + j,
 * xyz). With `values`, a non-finite point is a hole: it lends no slope to its neighbours and its own normal is up.
 */
export function gridNormals(
  positions: Float32Array,
  normals: Float32Array,
  mx: number,
  my: number,
  values?: ArrayLike<number>,
): void {
  const solid = (k: number) => !values || Number.isFinite(values[k]!);
  for (let i = 0; i < mx; i++) {
    for (let j = 0; j < my; j++) {
      const k = i * my + j;
      // The neighbours along i and along j that exist and are not holes; the point itself where one is missing.
      const iNext = i + 1 < mx && solid(k + my) ? k + my : k;
      const iPrev = i > 0 && solid(k - my) ? k - my : k;
      const jNext = j + 1 < my && solid(k + 1) ? k + 1 : k;
      const jPrev = j > 0 && solid(k - 1) ? k - 1 : k;
      const ax = positions[iNext * 3]! - positions[iPrev * 3]!;
      const ay = positions[iNext * 3 + 1]! - positions[iPrev * 3 + 1]!;
      const az = positions[iNext * 3 + 2]! - positions[iPrev * 3 + 2]!;
      const bx = positions[jNext * 3]! - positions[jPrev * 3]!;
      const by = positions[jNext * 3 + 1]! - positions[jPrev * 3 + 1]!;
      const bz = positions[jNext * 3 + 2]! - positions[jPrev * 3 + 2]!;
      const nx = ay * bz - az * by;
      const ny = az * bx - ax * bz;
      const nz = ax * by - ay * bx;
      const length = Math.sqrt(nx * nx + ny * ny + nz * nz);
      if (!(length > 0) || !solid(k)) {
        normals[k * 3] = 0;
        normals[k * 3 + 1] = 1;
        normals[k * 3 + 2] = 0;
        continue;
      }
      normals[k * 3] = nx / length;
      normals[k * 3 + 1] = ny / length;
      normals[k * 3 + 2] = nz / length;
    }
  }
}
