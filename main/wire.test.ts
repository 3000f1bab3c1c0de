import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './wire.js';

describe('the web shell wire format', () => {
  it('carries typed arrays as raw bytes, not JSON numbers', () => {
    const values = Float32Array.from({ length: 90_000 }, (_, k) => Math.sin(k));
    const xs = Float64Array.from([-2, 0, 2]);
    const frame = encodeMessage({ type: 'event', payload: { values, xs, png: new Uint8Array([1, 2, 3]), note: 'ok' } });
    expect(frame.byteLength).toBeLessThan(values.byteLength + 1000);
    const back = decodeMessage(frame) as {
      payload: { values: Float32Array; xs: Float64Array; png: Uint8Array; note: string };
    };
    expect(back.payload.values).toBeInstanceOf(Float32Array);
    expect(back.payload.values).toEqual(values);
    expect(back.payload.xs).toEqual(xs);
    expect(Array.from(back.payload.png)).toEqual([1, 2, 3]);
    expect(back.payload.note).toBe('ok');
  });

  it('keeps NaN and the infinities, which JSON cannot', () => {
    const back = decodeMessage(encodeMessage({ a: NaN, b: Infinity, c: [-Infinity, 1], d: -0 })) as Record<
      string,
      unknown
    >;
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Infinity);
    expect(back.c).toEqual([-Infinity, 1]);
  });

  it('refuses frames whose arrays point outside them', () => {
    const frame = encodeMessage({ values: new Float64Array(4) });
    expect(() => decodeMessage(frame.slice(0, frame.byteLength - 8))).toThrow(/outside the frame/);
    expect(() => decodeMessage(new Uint8Array([255, 255, 0, 0]))).toThrow(/longer than the frame/);
  });

  it('keeps a __proto__ key a plain key', () => {
    const header = JSON.stringify({ message: JSON.parse('{"__proto__": {"polluted": true}}'), blobs: [] });
    const json = new TextEncoder().encode(header);
    const frame = new Uint8Array(4 + json.length);
    new DataView(frame.buffer).setUint32(0, json.length, true);
    frame.set(json, 4);
    const back = decodeMessage(frame) as Record<string, unknown>;
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });
});
