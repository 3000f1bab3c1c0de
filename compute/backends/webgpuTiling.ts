// How a GPU run is cut up, as arithmetic: the limits a run plans against,
// the span of an input worth uploading, the tiles an output is cut into (each
// fits one storage binding) with the window of each input a tile reads, and
// the workgroups each dispatch needs (1D, 2D, or row-indexed). Pure functions
// of shapes, strides and limits, so they are tested without a GPU.
//
// This module never touches a device, a buffer or the backend: what it plans
// with comes in as numbers, and it imports nothing from the webgpu modules.

import type { NDArray } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';
import { type FusedKernel, readStrides } from './fuse.js';
import type { WgslKernel } from './wgsl.js';

/** The limits a run plans against: the adapter's, lowered by the options. */
export interface RunLimits {
  /** Elements of float32 in one storage binding of a tiled output (on a software adapter, less than it allows). */
  bindingElements: number;
  /** Elements of float32 in one storage binding as the adapter allows it (a reduction binds each input whole). */
  inputBindingElements: number;
  /** Element alignment of a binding's offset (minStorageBufferOffsetAlignment / 4). */
  alignElements: number;
  maxWorkgroupsPerDimension: number;
  maxBufferBytes: number;
  uniformAlignBytes: number;
  maxStorageBuffers: number;
  workgroupSize: number;
  timestamps: boolean;
  chunkBytes: number;
  /** Pass-1 workgroups of a reduction per output element, at most (REDUCE_GROUPS). */
  reduceGroups: number;
}

/** What tests may lower below the adapter's own limits (see WebGpuOptions). */
export interface LimitOverrides {
  maxBindingBytes?: number;
  maxWorkgroupsPerDimension?: number;
  chunkBytes?: number;
}

/** The adapter's limits a run plans against (a subset of GPUSupportedLimits). */
export type AdapterLimits = Pick<
  GPUSupportedLimits,
  | 'minStorageBufferOffsetAlignment'
  | 'maxStorageBufferBindingSize'
  | 'maxComputeWorkgroupsPerDimension'
  | 'maxBufferSize'
  | 'minUniformBufferOffsetAlignment'
  | 'maxStorageBuffersPerShaderStage'
>;

/** Kernels index elements with u32 (WGSL has no 64-bit integers). */
export const MAX_ELEMENTS = 2 ** 32 - 1;

/** Output bytes per round trip (dispatches, copy, map): bounds the staging memory of huge outputs. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024 * 1024;
/**
 * Pass-1 workgroups of a reduction per output element, at most: on hardware, enough to fill a large GPU; on a
 * software adapter, where each workgroup pays its barriers in context switches, a few per core (llvmpipe: with
 * 1024 a 1000² max took 5× its grid's time, with 64 no more).
 */
export const REDUCE_GROUPS = { hardware: 1024, software: 64 } as const;

/** Output bytes per dispatch on a software adapter: about 40 ms of llvmpipe's work. */
export const SOFTWARE_SUBMISSION_BYTES = 16 * 1024 * 1024;

/** One opened device's limits, lowered by the overrides, for a kernel of `workgroupSize` invocations per group. */
export function runLimits(
  adapter: AdapterLimits,
  device: { software: boolean; timestamps: boolean; workgroupSize: number },
  overrides: LimitOverrides = {},
): RunLimits {
  const alignElements = adapter.minStorageBufferOffsetAlignment / 4;
  // A software adapter runs a 144 MB grid in about a second, and a submitted
  // dispatch cannot be stopped: there, tiles and round trips are kept small
  // so that a cancel lands between them within ~100 ms.
  const softwareCap = device.software ? SOFTWARE_SUBMISSION_BYTES : Infinity;
  const bindingBytes = Math.min(
    adapter.maxStorageBufferBindingSize,
    overrides.maxBindingBytes ?? Infinity,
    softwareCap,
  );
  return {
    bindingElements: Math.max(alignElements, Math.floor(bindingBytes / 4)),
    inputBindingElements: Math.floor(
      Math.min(adapter.maxStorageBufferBindingSize, overrides.maxBindingBytes ?? Infinity) / 4,
    ),
    alignElements,
    maxWorkgroupsPerDimension: Math.max(
      1,
      Math.min(adapter.maxComputeWorkgroupsPerDimension, overrides.maxWorkgroupsPerDimension ?? Infinity),
    ),
    maxBufferBytes: adapter.maxBufferSize,
    uniformAlignBytes: adapter.minUniformBufferOffsetAlignment,
    maxStorageBuffers: adapter.maxStorageBuffersPerShaderStage,
    workgroupSize: device.workgroupSize,
    timestamps: device.timestamps,
    chunkBytes: Math.max(4, Math.min(overrides.chunkBytes ?? DEFAULT_CHUNK_BYTES, softwareCap)),
    reduceGroups: device.software ? REDUCE_GROUPS.software : REDUCE_GROUPS.hardware,
  };
}

/** Where an input lies in the buffer uploaded for it. */
export interface InputSpan {
  /** Elements in the buffer. */
  readonly elements: number;
  /** The input's element offset, relative to the buffer's start (the span the input reaches). */
  readonly base: number;
}

/**
 * The part of an input's data its reads can reach: [lo, hi] in its data, as
 * a buffer of `elements` with the input's offset at `base`. An empty input
 * still gets one element (a binding cannot be empty).
 */
export function inputSpan(
  input: Pick<NDArray, 'shape' | 'strides' | 'offset' | 'size'>,
): InputSpan & { lo: number; hi: number } {
  let lo = input.offset;
  let hi = input.offset;
  input.shape.forEach((dim, axis) => {
    const reach = (dim - 1) * input.strides[axis]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  const elements = input.size === 0 ? 1 : hi - lo + 1;
  return { lo, hi, elements, base: input.offset - lo };
}

/** One dispatch: a contiguous range of output elements and the input windows it reads. */
export interface Tile {
  readonly start: number;
  readonly count: number;
  /** Per bound input: the element range of its buffer bound for this tile. */
  readonly windows: readonly { readonly start: number; readonly count: number }[];
}

/**
 * Workgroups for a row-indexed dispatch of a whole output: columns along x,
 * rows (all leading axes) along y. Null where it does not fit the adapter, or
 * where rows are so short that most of each workgroup would idle.
 */
export function rowDispatch(
  shape: readonly number[],
  limits: Pick<RunLimits, 'workgroupSize' | 'maxWorkgroupsPerDimension'>,
): { x: number; y: number } | null {
  const columns = shape[shape.length - 1]!;
  const rows = sizeOf(shape) / columns;
  if (shape.length < 2 || columns < limits.workgroupSize) return null;
  const x = Math.ceil(columns / limits.workgroupSize);
  return x <= limits.maxWorkgroupsPerDimension && rows <= limits.maxWorkgroupsPerDimension ? { x, y: rows } : null;
}

/** Workgroups for `count` invocations: 1D while it fits the per-dimension limit, else 2D. */
export function dispatchSize(
  count: number,
  limits: Pick<RunLimits, 'workgroupSize' | 'maxWorkgroupsPerDimension'>,
): { x: number; y: number; rowWidth: number } {
  const groups = Math.max(1, Math.ceil(count / limits.workgroupSize));
  const x = Math.min(groups, limits.maxWorkgroupsPerDimension);
  const y = Math.ceil(groups / x);
  if (y > limits.maxWorkgroupsPerDimension) {
    throw new Error(
      `a dispatch of ${count} invocations needs ${x}×${y} workgroups, ` +
        `beyond this GPU's ${limits.maxWorkgroupsPerDimension} per dimension`,
    );
  }
  return { x, y, rowWidth: x * limits.workgroupSize };
}

/** Tiles per round trip: as many as fit `chunkBytes` of output, at least one. */
export function tilesPerChunk(tiles: readonly Tile[], chunkBytes: number): number {
  return Math.max(1, Math.floor(chunkBytes / 4 / tiles[0]!.count));
}

/** Bytes of one tile's slice of the uniform buffer: its slots, rounded up to the offset alignment. */
export function paramSliceBytes(slotCount: number, uniformAlignBytes: number): number {
  return Math.ceil((slotCount * 4) / uniformAlignBytes) * uniformAlignBytes;
}

/**
 * Cuts the output into tiles that each fit one storage binding, and finds for
 * each tile the window of every input it reads. A single tile when all fits.
 * Tiles start on binding-offset boundaries; when some input's window would
 * not fit one binding (it is large and read in a different order than the
 * output is written), the tiles are made smaller until it does.
 */
export function planTiles(
  kernel: { fused: FusedKernel; wgsl: Pick<WgslKernel, 'boundInputs'> },
  inputs: readonly NDArray[],
  uploads: ReadonlyMap<number, InputSpan>,
  limits: Pick<RunLimits, 'bindingElements' | 'alignElements' | 'maxWorkgroupsPerDimension' | 'workgroupSize'>,
): Tile[] {
  const { outShape, reads } = kernel.fused;
  const total = sizeOf(outShape);
  const rank = outShape.length;
  const bound = kernel.wgsl.boundInputs;
  const readsOf = bound.map((input) =>
    reads.map((read, r) => ({ read, r })).filter(({ read }) => read.input === input),
  );
  const strides = reads.map((read) => readStrides(read, rank, inputs[read.input]!));
  // Per tile, at most this many invocations, so a 2D dispatch always suffices.
  const maxInvocations = limits.maxWorkgroupsPerDimension * limits.maxWorkgroupsPerDimension * limits.workgroupSize;
  const whole = (input: number) => ({ start: 0, count: uploads.get(input)!.elements });
  const fitsWhole = bound.every((input) => uploads.get(input)!.elements <= limits.bindingElements);
  if (total <= limits.bindingElements && total <= maxInvocations && fitsWhole) {
    return [{ start: 0, count: total, windows: bound.map(whole) }];
  }
  const align = limits.alignElements;
  let tileElements = Math.max(
    align,
    Math.floor(Math.min(total, limits.bindingElements, maxInvocations) / align) * align,
  );
  for (;;) {
    const tiles: Tile[] = [];
    let fits = true;
    for (let start = 0; start < total && fits; start += tileElements) {
      const count = Math.min(tileElements, total - start);
      const windows = bound.map((input, b) => {
        const uploaded = uploads.get(input)!;
        if (uploaded.elements <= limits.bindingElements) return whole(input);
        let lo = Infinity;
        let hi = -Infinity;
        for (const { r } of readsOf[b]!) {
          const [l, h] = reachedRange(start, start + count, outShape, strides[r]!, uploaded.base);
          lo = Math.min(lo, l);
          hi = Math.max(hi, h);
        }
        const windowStart = Math.floor(lo / align) * align;
        const window = { start: windowStart, count: Math.min(uploaded.elements, hi + 1) - windowStart };
        if (window.count > limits.bindingElements) fits = false;
        return window;
      });
      tiles.push({ start, count, windows });
    }
    if (fits) return tiles;
    if (tileElements <= align) {
      throw new Error(
        `an input is read in an order so far from the output's that no tile of the output reads less than one ` +
          `storage binding (${limits.bindingElements * 4} bytes on this GPU); ` +
          `make the input contiguous in the output's order (e.g. copy its transpose) first`,
      );
    }
    tileElements = Math.max(align, Math.floor(tileElements / 2 / align) * align);
  }
}

/**
 * The lowest and highest element a read reaches while the output's flat index
 * runs over [start, end), exactly: the range splits, axis by axis, into a
 * partial first block, whole blocks and a partial last block, as a row-major
 * walk visits them. (A tile crossing a row boundary of a contiguous input then
 * binds just the elements it reads.)
 */
export function reachedRange(
  start: number,
  end: number,
  shape: readonly number[],
  strides: readonly number[],
  base: number,
): [number, number] {
  const rank = shape.length;
  if (rank === 0) return [base, base];
  /** Elements in one block of each axis (the product of the sizes inside it). */
  const block = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  /** Reach of the whole extent of the axes from `axis` in. */
  const whole = (axis: number): [number, number] => {
    let lo = 0;
    let hi = 0;
    for (let k = axis; k < rank; k++) {
      const reach = (shape[k]! - 1) * strides[k]!;
      lo += Math.min(0, reach);
      hi += Math.max(0, reach);
    }
    return [lo, hi];
  };
  const walk = (from: number, to: number, axis: number, offset: number): [number, number] => {
    const size = block[axis]!;
    const first = Math.floor(from / size);
    const last = Math.floor((to - 1) / size);
    const stride = strides[axis]!;
    if (axis === rank - 1) {
      return [offset + Math.min(first * stride, last * stride), offset + Math.max(first * stride, last * stride)];
    }
    if (first === last) return walk(from - first * size, to - first * size, axis + 1, offset + first * stride);
    const head = walk(from - first * size, size, axis + 1, offset + first * stride);
    const tail = walk(0, to - last * size, axis + 1, offset + last * stride);
    let lo = Math.min(head[0], tail[0]);
    let hi = Math.max(head[1], tail[1]);
    if (last - first > 1) {
      const [innerLo, innerHi] = whole(axis + 1);
      const a = (first + 1) * stride;
      const b = (last - 1) * stride;
      lo = Math.min(lo, offset + Math.min(a, b) + innerLo);
      hi = Math.max(hi, offset + Math.max(a, b) + innerHi);
    }
    return [lo, hi];
  };
  return walk(start, end, 0, base);
}
