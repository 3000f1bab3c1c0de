// The web shell's wire format: one binary WebSocket frame per message, a JSON
// header followed by the raw bytes of every typed array in the message (the
// surface's values, a PNG), so a grid never travels as JSON of numbers. Pure
// functions with no DOM or Node dependency: the renderer and the web shell
// host (main/web) both use this file, which lives beside the contract.

import type { InvokeReply } from './contract.js';

type TypedArrayName = 'Float32Array' | 'Float64Array' | 'Int32Array' | 'Uint8Array';
type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const CONSTRUCTORS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint8Array,
} as const;

interface BlobRef {
  $typed: number;
}

/** JSON has no NaN or Infinity: they travel as {$number: 'NaN' | 'Infinity' | '-Infinity'}. */
interface NumberRef {
  $number: 'NaN' | 'Infinity' | '-Infinity';
}

interface Header {
  message: unknown;
  blobs: { type: TypedArrayName; byteOffset: number; length: number }[];
}

function typedName(value: ArrayBufferView): TypedArrayName | null {
  for (const name of Object.keys(CONSTRUCTORS) as TypedArrayName[])
    if (value instanceof CONSTRUCTORS[name]) return name;
  return null;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeMessage(message: unknown): Uint8Array {
  const arrays: AnyTypedArray[] = [];
  const blobs: Header['blobs'] = [];
  let offset = 0;
  const strip = (value: unknown): unknown => {
    if (typeof value === 'number' && !Number.isFinite(value))
      return { $number: String(value) as NumberRef['$number'] } satisfies NumberRef;
    if (ArrayBuffer.isView(value)) {
      const type = typedName(value);
      if (!type) throw new TypeError(`cannot send a ${value.constructor.name} over the wire`);
      const array = value as AnyTypedArray;
      blobs.push({ type, byteOffset: offset, length: array.length });
      arrays.push(array);
      offset = align8(offset + array.byteLength);
      return { $typed: blobs.length - 1 } satisfies BlobRef;
    }
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      // As in decoding: an own '__proto__' key is sent as a key, never set as a prototype.
      for (const [key, v] of Object.entries(value)) {
        if (v !== undefined)
          Object.defineProperty(out, key, { value: strip(v), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  };
  const header: Header = { message: strip(message), blobs };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bodyStart = align8(4 + json.length);
  const out = new Uint8Array(bodyStart + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  arrays.forEach((array, k) => {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), bodyStart + blobs[k]!.byteOffset);
  });
  return out;
}

export function decodeMessage(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new TypeError('wire: frame too short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > frame.byteLength) throw new TypeError('wire: header longer than the frame');
  const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + jsonLength))) as Header;
  const bodyStart = align8(4 + jsonLength);
  const blobs = (header.blobs ?? []).map(({ type, byteOffset, length }) => {
    const Ctor = CONSTRUCTORS[type];
    if (!Ctor) throw new TypeError(`wire: unknown array type ${String(type)}`);
    const start = bodyStart + byteOffset;
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (!Number.isInteger(length) || length < 0 || start + byteLength > frame.byteLength)
      throw new TypeError('wire: array outside the frame');
    // A copy: the frame's buffer may be shared (Node pools small buffers) or misaligned.
    const bytes = frame.slice(start, start + byteLength);
    return type === 'Uint8Array' ? bytes : new Ctor(bytes.buffer, 0, length);
  });
  const restore = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(restore);
    if (value && typeof value === 'object') {
      const special = (value as Partial<NumberRef>).$number;
      if (Object.keys(value).length === 1 && (special === 'NaN' || special === 'Infinity' || special === '-Infinity'))
        return Number(special);
      const ref = (value as Partial<BlobRef>).$typed;
      if (typeof ref === 'number' && Object.keys(value).length === 1) {
        const blob = blobs[ref];
        if (!blob) throw new TypeError('wire: reference to a missing array');
        return blob;
      }
      const out: Record<string, unknown> = {};
      // defineProperty, not assignment: a '__proto__' key must stay a plain key (and be refused by validation).
      for (const [key, v] of Object.entries(value))
        Object.defineProperty(out, key, { value: restore(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return value;
  };
  return restore(header.message);
}

/**
 * Messages on the socket: an invoke is answered with its InvokeReply (the contract's one error convention), tagged by
 * id.
 */
export type ClientMessage = { type: 'invoke'; id: number; channel: string; request: unknown };
export type ServerMessage =
  ({ type: 'response'; id: number } & InvokeReply<unknown>) | { type: 'event'; event: string; payload: unknown };
