// How a GPU run is cut up, without a GPU: the workgroups a dispatch needs,
// the exact range a read reaches, the span of an input worth uploading, the
// limits a software adapter plans with, and the tiles with their input
// windows — checked against a brute-force walk of every output index.

import { describe, expect, it } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import { type FusedKernel, type FusedRead, readStrides } from './fuse.js';
import {
  type AdapterLimits,
  REDUCE_GROUPS,
  SOFTWARE_SUBMISSION_BYTES,
  type Tile,
  dispatchSize,
  inputSpan,
  paramSliceBytes,
  planTiles,
  reachedRange,
  rowDispatch,
  runLimits,
  tilesPerChunk,
} from './webgpuTiling.js';

describe('dispatch sizes', () => {
  it('uses one dimension while it fits and two beyond', () => {
    expect(dispatchSize(1000, { workgroupSize: 64, maxWorkgroupsPerDimension: 65535 })).toEqual({
      x: 16,
      y: 1,
      rowWidth: 1024,
    });
    expect(dispatchSize(1000, { workgroupSize: 64, maxWorkgroupsPerDimension: 4 })).toEqual({
      x: 4,
      y: 4,
      rowWidth: 256,
    });
    expect(() => dispatchSize(1100, { workgroupSize: 64, maxWorkgroupsPerDimension: 4 })).toThrow(/per dimension/);
  });

  it('finds exactly the lowest and highest element a read reaches over any range of the output', () => {
    const shapes = [[35], [7, 5], [3, 4, 5], [2, 3, 2, 3]];
    for (const shape of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      for (let trial = 0; trial < 12; trial++) {
        // Strides of any sign, broadcast (0) included, as transposes and broadcasts make them.
        const strides = shape.map((_, k) => ((trial * 7 + k * 5) % 9) - 3);
        const base = 50;
        for (let start = 0; start < size; start += 2) {
          for (let end = start + 1; end <= size; end += 3) {
            let lo = Infinity;
            let hi = -Infinity;
            for (let flat = start; flat < end; flat++) {
              let rest = flat;
              let index = base;
              for (let k = shape.length - 1; k >= 0; k--) {
                index += (rest % shape[k]!) * strides[k]!;
                rest = Math.floor(rest / shape[k]!);
              }
              lo = Math.min(lo, index);
              hi = Math.max(hi, index);
            }
            expect(reachedRange(start, end, shape, strides, base), `${shape} ${strides} [${start}, ${end})`).toEqual([
              lo,
              hi,
            ]);
          }
        }
      }
    }
  });

  it('indexes by rows only where rows fill a workgroup and both dimensions fit', () => {
    const limits = { workgroupSize: 64, maxWorkgroupsPerDimension: 100 };
    expect(rowDispatch([40, 256], limits)).toEqual({ x: 4, y: 40 });
    expect(rowDispatch([2, 3, 65], limits)).toEqual({ x: 2, y: 6 });
    expect(rowDispatch([40, 63], limits), 'rows shorter than a workgroup').toBeNull();
    expect(rowDispatch([101, 64], limits), 'more rows than workgroups along y').toBeNull();
    expect(rowDispatch([2, 64 * 101], limits), 'a row wider than the workgroups along x').toBeNull();
    expect(rowDispatch([4096], limits), 'rank 1').toBeNull();
  });

  it("cuts round trips at chunkBytes, never below one tile, and aligns each tile's uniform slice", () => {
    const tiles: Tile[] = [{ start: 0, count: 256, windows: [] }];
    expect(tilesPerChunk(tiles, 2048)).toBe(2);
    expect(tilesPerChunk(tiles, 4)).toBe(1);
    expect(paramSliceBytes(1, 256)).toBe(256);
    expect(paramSliceBytes(64, 256)).toBe(256);
    expect(paramSliceBytes(65, 256)).toBe(512);
  });
});

describe('the limits a run plans against', () => {
  const adapter: AdapterLimits = {
    minStorageBufferOffsetAlignment: 256,
    maxStorageBufferBindingSize: 128 * 1024 * 1024,
    maxComputeWorkgroupsPerDimension: 65535,
    maxBufferSize: 256 * 1024 * 1024,
    minUniformBufferOffsetAlignment: 256,
    maxStorageBuffersPerShaderStage: 8,
  };
  const hardware = { software: false, timestamps: true, workgroupSize: 256 };

  it("takes the adapter's limits on hardware, with 256 MiB round trips", () => {
    expect(runLimits(adapter, hardware)).toEqual({
      bindingElements: 32 * 1024 * 1024,
      inputBindingElements: 32 * 1024 * 1024,
      alignElements: 64,
      maxWorkgroupsPerDimension: 65535,
      maxBufferBytes: 256 * 1024 * 1024,
      uniformAlignBytes: 256,
      maxStorageBuffers: 8,
      workgroupSize: 256,
      timestamps: true,
      chunkBytes: 256 * 1024 * 1024,
      reduceGroups: REDUCE_GROUPS.hardware,
    });
  });

  it('keeps bindings and round trips to 16 MiB on a software adapter, so a cancel lands between dispatches', () => {
    const limits = runLimits(adapter, { ...hardware, software: true });
    expect(limits.bindingElements * 4).toBe(SOFTWARE_SUBMISSION_BYTES);
    expect(limits.chunkBytes).toBe(SOFTWARE_SUBMISSION_BYTES);
    // A reduction binds its inputs whole, up to the adapter's own binding size, in few workgroups.
    expect(limits.inputBindingElements).toBe(32 * 1024 * 1024);
    expect(limits.reduceGroups).toBe(REDUCE_GROUPS.software);
    expect(runLimits(adapter, { ...hardware, software: true }, { chunkBytes: 2 ** 40 }).chunkBytes).toBe(
      SOFTWARE_SUBMISSION_BYTES,
    );
  });

  it('lowers, never raises, the limits by the overrides, and keeps each at least its smallest workable value', () => {
    const lowered = runLimits(adapter, hardware, {
      maxBindingBytes: 1024,
      maxWorkgroupsPerDimension: 3,
      chunkBytes: 2048,
    });
    expect(lowered).toMatchObject({ bindingElements: 256, maxWorkgroupsPerDimension: 3, chunkBytes: 2048 });
    const floor = runLimits(adapter, hardware, { maxBindingBytes: 1, maxWorkgroupsPerDimension: 0, chunkBytes: 0 });
    expect(floor).toMatchObject({ bindingElements: 64, maxWorkgroupsPerDimension: 1, chunkBytes: 4 });
    expect(runLimits(adapter, hardware, { maxBindingBytes: 2 ** 40 }).bindingElements).toBe(32 * 1024 * 1024);
  });
});

describe('the span of an input worth uploading', () => {
  it('covers exactly the elements its strides reach, with the offset placed in it', () => {
    expect(inputSpan({ shape: [4, 5], strides: [5, 1], offset: 0, size: 20 })).toEqual({
      lo: 0,
      hi: 19,
      elements: 20,
      base: 0,
    });
    expect(inputSpan({ shape: [5, 4], strides: [1, 5], offset: 0, size: 20 }), 'transposed').toEqual({
      lo: 0,
      hi: 19,
      elements: 20,
      base: 0,
    });
    expect(inputSpan({ shape: [3, 100], strides: [1, 0], offset: 7, size: 300 }), 'broadcast: its own size').toEqual({
      lo: 7,
      hi: 9,
      elements: 3,
      base: 0,
    });
    expect(inputSpan({ shape: [5], strides: [-1], offset: 4, size: 5 }), 'reversed').toEqual({
      lo: 0,
      hi: 4,
      elements: 5,
      base: 4,
    });
    expect(inputSpan({ shape: [], strides: [], offset: 3, size: 1 }), 'scalar').toEqual({
      lo: 3,
      hi: 3,
      elements: 1,
      base: 0,
    });
    expect(
      inputSpan({ shape: [0, 4], strides: [4, 1], offset: 0, size: 0 }),
      'empty: one element, a binding cannot be empty',
    ).toMatchObject({ elements: 1 });
  });
});

/** Every order of 0 … n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]),
  );
}

describe('tiles and their input windows', () => {
  /** A kernel reading each input once, at the output index, through the given axis maps (what planTiles reads of it). */
  const kernelOf = (outShape: number[], axisMaps: number[][]) => {
    const reads: FusedRead[] = axisMaps.map((axisMap, input) => ({ input, axisMap, depth: outShape.length }));
    const fused: FusedKernel = { outShape, dtype: 'float32', reads, nodes: [], result: 0 };
    return { fused, wgsl: { boundInputs: reads.map((_, input) => input) } };
  };
  const uploadsOf = (inputs: readonly NDArray[]) => new Map(inputs.map((input, k) => [k, inputSpan(input)]));
  const limits = { bindingElements: 64, alignElements: 8, maxWorkgroupsPerDimension: 4, workgroupSize: 4 };

  /** Every element each output index of each tile reads lies inside that tile's window, and tiles cover the output once. */
  function expectTilesHold(
    kernel: ReturnType<typeof kernelOf>,
    inputs: readonly NDArray[],
    tiles: readonly Tile[],
    what: string,
  ): void {
    const { outShape, reads } = kernel.fused;
    const total = outShape.reduce((a, b) => a * b, 1);
    const uploads = uploadsOf(inputs);
    const strides = reads.map((read) => readStrides(read, outShape.length, inputs[read.input]!));
    let next = 0;
    for (const tile of tiles) {
      expect(tile.start, `${what}: tiles follow each other`).toBe(next);
      expect(tile.start % limits.alignElements, `${what}: tile start aligned`).toBe(0);
      expect(tile.count).toBeLessThanOrEqual(limits.bindingElements);
      next += tile.count;
      tile.windows.forEach((window, b) => {
        expect(window.start % limits.alignElements, `${what}: window start aligned`).toBe(0);
        expect(window.count, `${what}: window fits one binding`).toBeLessThanOrEqual(limits.bindingElements);
        expect(window.start + window.count).toBeLessThanOrEqual(uploads.get(b)!.elements);
      });
      for (let flat = tile.start; flat < tile.start + tile.count; flat++) {
        reads.forEach((read, r) => {
          let rest = flat;
          let index = uploads.get(read.input)!.base;
          for (let k = outShape.length - 1; k >= 0; k--) {
            index += (rest % outShape[k]!) * strides[r]![k]!;
            rest = Math.floor(rest / outShape[k]!);
          }
          const window = tile.windows[read.input]!;
          if (index < window.start || index >= window.start + window.count) {
            throw new Error(
              `${what}: output ${flat} reads element ${index} of input ${read.input}, outside its window [${window.start}, ${window.start + window.count})`,
            );
          }
        });
      }
    }
    expect(next, `${what}: tiles cover the output`).toBe(total);
  }

  it('is one tile binding every input whole when all fits', () => {
    const x = NDArray.zeros([6]);
    const y = NDArray.zeros([7]);
    const kernel = kernelOf([6, 7], [[0], [1]]);
    expect(planTiles(kernel, [x, y], uploadsOf([x, y]), limits)).toEqual([
      {
        start: 0,
        count: 42,
        windows: [
          { start: 0, count: 6 },
          { start: 0, count: 7 },
        ],
      },
    ]);
    x.dispose();
    y.dispose();
  });

  it('cuts a large output into aligned tiles and binds each input larger than a binding through a window', () => {
    const grid = NDArray.zeros([12, 20]);
    const row = NDArray.zeros([20]);
    const kernel = kernelOf([12, 20], [[0, 1], [1]]);
    const tiles = planTiles(kernel, [grid, row], uploadsOf([grid, row]), limits);
    expect(tiles.length).toBe(Math.ceil(240 / 64));
    expect(
      tiles.every((tile) => tile.windows[0]!.count < 240),
      'the grid is windowed',
    ).toBe(true);
    expect(
      tiles.every((tile) => tile.windows[1]!.count === 20),
      'the row fits: bound whole',
    ).toBe(true);
    expectTilesHold(kernel, [grid, row], tiles, 'grid and row');
    grid.dispose();
    row.dispose();
  });

  it('keeps every read inside its window, for any shape and any order of reading', () => {
    const shapes = [[9, 11], [3, 5, 7], [130], [2, 3, 4, 5]];
    for (const shape of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      for (const perm of permutations(shape.length)) {
        // An input laid out in `perm` order of the output's axes, read at the output index (a transpose).
        const stored = NDArray.zeros(perm.map((axis) => shape[axis]!));
        const inverse = perm.map((_, k) => perm.indexOf(k));
        const input = stored.transpose(inverse);
        const kernel = kernelOf(shape, [shape.map((_, k) => k)]);
        const what = `shape [${shape}] read in order [${perm}]`;
        try {
          const tiles = planTiles(kernel, [input], uploadsOf([input]), limits);
          expectTilesHold(kernel, [input], tiles, what);
        } catch (error) {
          // Refusing is right only when the input cannot fit one binding.
          expect(size, what).toBeGreaterThan(limits.bindingElements);
          expect(String(error), what).toMatch(/storage binding.*contiguous/);
        }
        if (input !== stored) input.dispose();
        stored.dispose();
      }
    }
  });

  it('refuses, with the binding size, an input read too far out of the output order to window', () => {
    const stored = NDArray.zeros([40, 40]);
    const input = stored.transpose([1, 0]);
    const kernel = kernelOf([40, 40], [[0, 1]]);
    expect(() => planTiles(kernel, [input], uploadsOf([input]), limits)).toThrow(
      /less than one storage binding \(256 bytes on this GPU\).*contiguous/,
    );
    input.dispose();
    stored.dispose();
  });
});
