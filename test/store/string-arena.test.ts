import { describe, expect, it } from 'vitest';
import { StringArena } from '../../src/store/string-arena.js';

const ODD = ['c-1', '', 'ü-客户', '😀 emoji', 'lone \uD800 lead', 'lone \uDC00 trail', '\uDBFF\uDFFF', '__proto__'];

/** `bytes` at a 4-byte aligned offset of a bigger buffer, as a loaded file is. */
function aligned(bytes: Uint8Array, pad = 8): Uint8Array {
  const buf = new Uint8Array(bytes.length + pad);
  buf.set(bytes, pad);
  return buf.subarray(pad);
}

describe('StringArena', () => {
  it('round-trips any JS string, lone surrogates included', () => {
    const arena = StringArena.fromBytes(aligned(StringArena.encode(undefined, ODD)));
    expect(arena.count).toBe(ODD.length);
    expect(ODD.map((_, i) => arena.get(i))).toEqual(ODD);
  });

  it('appends new strings after loaded ones without decoding them', () => {
    const first = StringArena.fromBytes(aligned(StringArena.encode(undefined, ODD.slice(0, 3))));
    const both = StringArena.fromBytes(aligned(StringArena.encode(first, ODD.slice(3))));
    expect(Array.from({ length: both.count }, (_, i) => both.get(i))).toEqual(ODD);
  });

  it('reads from an unaligned copy too', () => {
    const arena = StringArena.fromBytes(aligned(StringArena.encode(undefined, ODD), 3));
    expect(arena.get(2)).toBe(ODD[2]);
  });

  it('is E_CORRUPT when lengths or offsets do not add up', () => {
    const bytes = StringArena.encode(undefined, ['ab', 'cd']);
    expect(() => StringArena.fromBytes(aligned(bytes.subarray(0, bytes.length - 1)))).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }));
    const bad = aligned(bytes);
    new DataView(bad.buffer, bad.byteOffset).setUint32(12, 5, true); // offset 1 past offset 2 (4)
    expect(() => StringArena.fromBytes(bad)).toThrow(/below offset/);
    expect(() => StringArena.fromBytes(new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }));
  });
});
