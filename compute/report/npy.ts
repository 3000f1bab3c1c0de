// The grid as a .npy file, NumPy's own format (version 1.0): a magic string,
// a header dict with dtype, order and shape, padded so the data starts on a
// 64-byte boundary as NumPy writes it, then the values in C order. float32
// or float64 as computed, written in the machine's byte order and labelled
// so ('<f4' on every platform the lab runs on). At n = 20000 that is 1.6 GB
// in float32 against about 8× as much CSV text. Streams in chunks, never a
// second copy of the grid; the file appears under its name only when whole.

import { endianness } from 'node:os';
import { writeBesideThenRename } from './atomicFile.js';
import type { DType, FloatArray } from '../core/dtype.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
const CHUNK_BYTES = 16 << 20;

/** A grid as the engine holds it: values[offset + Σ index[k] · strides[k]], strides in elements. */
export interface NpySource {
  dtype: DType;
  shape: readonly number[];
  data: FloatArray;
  offset: number;
  strides: readonly number[];
}

export function npyDescr(dtype: DType): string {
  return `${endianness() === 'LE' ? '<' : '>'}${dtype === 'float32' ? 'f4' : 'f8'}`;
}

/** The magic, version and header of a C-order array of this dtype and shape. */
export function npyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${npyDescr(dtype)}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const text = `${dict}${' '.repeat(total - unpadded)}\n`;
  const bytes = new Uint8Array(total);
  bytes.set(MAGIC, 0);
  bytes[6] = 1; // major version
  bytes[7] = 0; // minor version
  new DataView(bytes.buffer).setUint16(8, text.length, true);
  for (let k = 0; k < text.length; k++) bytes[10 + k] = text.charCodeAt(k);
  return bytes;
}

function isCContiguous(source: NpySource): boolean {
  let expected = 1;
  for (let k = source.shape.length - 1; k >= 0; k--) {
    if (source.shape[k]! > 1 && source.strides[k] !== expected) return false;
    expected *= source.shape[k]!;
  }
  return true;
}

/** Where each row of the last axis starts in the source, in C order, and its stride. */
function* rowsOf(source: NpySource): Generator<{ start: number; stride: number; length: number }> {
  const { shape, strides, offset } = source;
  const length = shape.at(-1) ?? 1;
  const stride = strides.at(-1) ?? 1;
  const outer = shape.slice(0, -1);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = outer.map(() => 0);
  for (let row = 0; row < count; row++) {
    let start = offset;
    for (let k = 0; k < outer.length; k++) start += index[k]! * strides[k]!;
    yield { start, stride, length };
    for (let k = outer.length - 1; k >= 0; k--) {
      if (++index[k]! < outer[k]!) break;
      index[k] = 0;
    }
  }
}

/** The whole file in memory: for small grids and tests. */
export function npyBytes(source: NpySource): Uint8Array {
  const header = npyHeader(source.dtype, source.shape);
  const size = source.shape.reduce((a, b) => a * b, 1);
  const values = source.dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  let at = 0;
  for (const { start, stride, length } of rowsOf(source))
    for (let j = 0; j < length; j++) values[at++] = source.data[start + j * stride]!;
  const out = new Uint8Array(header.length + values.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), header.length);
  return out;
}

/** Writes the grid to `path` (beside it until complete, then renamed over it); returns the bytes written. */
export async function writeNpy(
  path: string,
  source: NpySource,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<number> {
  const header = npyHeader(source.dtype, source.shape);
  let written = 0;
  const size = source.shape.reduce((a, b) => a * b, 1);
  const itemBytes = source.dtype === 'float32' ? 4 : 8;
  const checkCancelled = () => {
    if (options.signal?.aborted)
      throw Object.assign(new Error('the grid export was cancelled'), { name: 'CancelledError' });
  };
  await writeBesideThenRename(path, async (file) => {
    await file.write(header);
    written += header.length;
    if (isCContiguous(source)) {
      // The engine's own buffer, written as it lies: no copy.
      const bytes = new Uint8Array(
        source.data.buffer,
        source.data.byteOffset + source.offset * itemBytes,
        size * itemBytes,
      );
      for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
        checkCancelled();
        const { bytesWritten } = await file.write(bytes, at, Math.min(CHUNK_BYTES, bytes.length - at));
        written += bytesWritten;
        options.onProgress?.(Math.min(1, (at + CHUNK_BYTES) / bytes.length));
      }
    } else {
      const chunk = source.dtype === 'float32' ? new Float32Array(CHUNK_BYTES / 4) : new Float64Array(CHUNK_BYTES / 8);
      let filled = 0;
      let done = 0;
      const flush = async () => {
        const { bytesWritten } = await file.write(new Uint8Array(chunk.buffer, 0, filled * itemBytes));
        written += bytesWritten;
        done += filled;
        filled = 0;
        options.onProgress?.(done / size);
        checkCancelled();
      };
      for (const { start, stride, length } of rowsOf(source)) {
        for (let j = 0; j < length; j++) {
          chunk[filled++] = source.data[start + j * stride]!;
          if (filled === chunk.length) await flush();
        }
      }
      if (filled) await flush();
    }
  });
  return written;
}
