// How one elementwise kernel runs on the GPU: its output is dispatched tile
// by tile (webgpuTiling.ts plans them), in round trips of at most chunkBytes;
// every tile's uniform block lies in one params buffer; each round trip's
// values are copied to a staging buffer and read back into the output array.
//
// This module never uploads inputs or opens error scopes: the executable
// (webgpuExecutable.ts) does, once per run, for every kernel.

import type { NDArray } from '../core/ndarray.js';
import { type RunControl, throwIfCancelled } from './backend.js';
import type { FusedKernel } from './fuse.js';
import { FIRST_INPUT_BINDING, type WgslKernel } from './wgsl.js';
import { BUFFER_USAGE, MAP_READ } from './webgpuBufferPool.js';
import { type GpuContext, type KernelClock, type Uploaded, submitTimedPass, writeGraphWords } from './webgpuContext.js';
import { type Tile, dispatchSize, paramSliceBytes, planTiles, rowDispatch, tilesPerChunk } from './webgpuTiling.js';

/** One elementwise graph output: its fused kernel and the shader variants that compute it. */
export interface CompiledMap {
  readonly kind: 'map';
  readonly fused: FusedKernel;
  /** Flat indexing: any tile. Its layout (uniforms, bindings) is the row variant's too. */
  readonly wgsl: WgslKernel;
  /** Row indexing (outputs of rank 2 or more), used when the whole output is one dispatch. */
  readonly rows: WgslKernel | null;
}

/** What a kernel's run adds to the executable's account of the run. */
export interface KernelRunStats {
  kernelMs: number;
  readbackMs: number;
  clock: KernelClock;
  dispatches: number;
  chunks: number;
  twoDimensional: boolean;
  rowIndexed: boolean;
}

/** What a kernel's run needs from the executable's run. */
export interface KernelRun {
  readonly context: GpuContext;
  readonly inputs: readonly NDArray[];
  readonly uploads: ReadonlyMap<number, Uploaded>;
  /** Buffers held until the run settles. */
  readonly held: GPUBuffer[];
  readonly pipeline: (source: string) => Promise<GPUComputePipeline>;
  readonly control: RunControl;
  /** Called with the elements done by this kernel so far. */
  readonly advance: (elements: number) => void;
}

/** Computes a map kernel's output into `out` (null: leave it on the GPU and drop it, as the write floor does). */
export async function runMap(kernel: CompiledMap, run: KernelRun, out: NDArray | null): Promise<KernelRunStats> {
  const { limits } = run.context;
  const tiles = planTiles(kernel, run.inputs, run.uploads, limits);
  const byRows = kernel.rows !== null && tiles.length === 1 && rowDispatch(kernel.fused.outShape, limits) !== null;
  const wgsl = byRows ? kernel.rows! : kernel.wgsl;
  const pipeline = await run.pipeline(wgsl.source);
  const params = paramsBuffer(kernel, run, tiles);
  const perChunk = tilesPerChunk(tiles, limits.chunkBytes);
  const stats: KernelRunStats = {
    kernelMs: 0,
    readbackMs: 0,
    clock: 'timestamps',
    dispatches: tiles.length,
    chunks: 0,
    twoDimensional: byRows || tiles.some((tile) => dispatchSize(tile.count, limits).y > 1),
    rowIndexed: byRows,
  };
  let done = 0;
  for (let first = 0; first < tiles.length; first += perChunk) {
    throwIfCancelled(run.control.signal);
    const chunk = tiles.slice(first, first + perChunk);
    stats.chunks++;
    const measured = await runChunk(run, pipeline, wgsl, kernel, chunk, first, params, out);
    stats.kernelMs += measured.kernelMs;
    stats.readbackMs += measured.readbackMs;
    if (measured.clock === 'fence') stats.clock = 'fence';
    done += chunk.reduce((sum, t) => sum + t.count, 0);
    run.advance(done);
  }
  return stats;
}

/** Every tile's uniform block, one aligned slice each, in one buffer. */
function paramsBuffer(kernel: CompiledMap, run: KernelRun, tiles: readonly Tile[]): GPUBuffer {
  const { device, buffers, limits } = run.context;
  const { layout, readBinding } = kernel.wgsl;
  const sliceBytes = paramSliceBytes(layout.slotCount, limits.uniformAlignBytes);
  const slots = new Uint32Array((sliceBytes / 4) * tiles.length);
  tiles.forEach((tile, t) => {
    const at = (sliceBytes / 4) * t;
    slots[at + layout.tileStart] = tile.start;
    slots[at + layout.tileCount] = tile.count;
    slots[at + layout.rowWidth] = dispatchSize(tile.count, limits).rowWidth;
    writeGraphWords(
      slots,
      at,
      layout,
      kernel.fused,
      run.inputs,
      run.uploads,
      (r) => tile.windows[readBinding[r]!]!.start,
    );
  });
  const buffer = buffers.acquire(slots.byteLength, BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST, run.held);
  device.queue.writeBuffer(buffer, 0, slots.buffer, 0, slots.byteLength);
  return buffer;
}

/** Dispatches a run of tiles into one output buffer, then reads it back into `out`. */
async function runChunk(
  run: KernelRun,
  pipeline: GPUComputePipeline,
  wgsl: WgslKernel,
  kernel: CompiledMap,
  tiles: readonly Tile[],
  firstTile: number,
  params: GPUBuffer,
  /** Where the values go; null: leave them on the GPU. */
  out: NDArray | null,
): Promise<{ kernelMs: number; readbackMs: number; clock: KernelClock }> {
  const { device, buffers, limits } = run.context;
  const U = BUFFER_USAGE;
  const chunkStart = tiles[0]!.start;
  const chunkElements = tiles[tiles.length - 1]!.start + tiles[tiles.length - 1]!.count - chunkStart;
  const bytes = chunkElements * 4;
  // Held for this chunk only, so the next chunk of a huge output reuses them.
  const held: GPUBuffer[] = [];
  let succeeded = false;
  const storage = buffers.acquire(bytes, U.STORAGE | U.COPY_SRC, held);
  const staging = out === null ? null : buffers.acquire(bytes, U.MAP_READ | U.COPY_DST, held);
  const sliceBytes = paramSliceBytes(kernel.wgsl.layout.slotCount, limits.uniformAlignBytes);
  try {
    const { kernelMs, clock } = await submitTimedPass(run.context, (pass) => {
      pass.setPipeline(pipeline);
      const layout = pipeline.getBindGroupLayout(0);
      tiles.forEach((tile, k) => {
        const entries: GPUBindGroupEntry[] = [
          {
            binding: 0,
            resource: { buffer: params, offset: sliceBytes * (firstTile + k), size: kernel.wgsl.layout.slotCount * 4 },
          },
          { binding: 1, resource: { buffer: storage, offset: (tile.start - chunkStart) * 4, size: tile.count * 4 } },
        ];
        kernel.wgsl.boundInputs.forEach((input, b) => {
          const window = tile.windows[b]!;
          entries.push({
            binding: FIRST_INPUT_BINDING + b,
            resource: { buffer: run.uploads.get(input)!.buffer, offset: window.start * 4, size: window.count * 4 },
          });
        });
        pass.setBindGroup(0, device.createBindGroup({ layout, entries }));
        const { x, y } =
          wgsl.indexing === 'rows' ? rowDispatch(kernel.fused.outShape, limits)! : dispatchSize(tile.count, limits);
        pass.dispatchWorkgroups(x, y);
      });
    });
    if (!staging || !out) {
      succeeded = true;
      return { kernelMs, readbackMs: 0, clock };
    }
    const started = performance.now();
    const copy = device.createCommandEncoder();
    copy.copyBufferToBuffer(storage, 0, staging, 0, bytes);
    device.queue.submit([copy.finish()]);
    await staging.mapAsync(MAP_READ);
    out.data.set(new Float32Array(staging.getMappedRange()), out.offset + chunkStart);
    staging.unmap();
    succeeded = true;
    return { kernelMs, readbackMs: performance.now() - started, clock };
  } finally {
    buffers.settle(held, succeeded);
  }
}
