import { fail } from '../model/errors.js';
import { decodeWtf8, encodeWtf8 } from './wtf8.js';

/**
 * Strings 0..count-1 as one byte arena (WTF-8) plus uint32 end offsets: how
 * a snapshot keeps customer ids. Loading is two views of the file, with no
 * JS string made until one is asked for: 25M customer ids as a JSON array
 * were ~1 GB of V8 heap and seconds of parsing and GC on every open.
 *
 * Bytes, little-endian: count u32, arena length u32, then count + 1 offsets
 * u32 (offsets[0] = 0), then the arena. Offsets sit at byte 8, so they are
 * a Uint32Array view of a file loaded at an aligned address.
 */
export class StringArena {
  private constructor(
    private readonly offsets: Uint32Array,
    private readonly bytes: Uint8Array,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  /** String `i` (0 <= i < count). */
  get(i: number): string {
    const start = this.offsets[i]!, end = this.offsets[i + 1]!;
    const bytes = this.bytes;
    for (let k = start; k < end; k++) if (bytes[k]! >= 0x80) return decodeWtf8(bytes, start, end);
    return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  }

  /** The serialized form of `loaded` (if any) followed by `more`. */
  static encode(loaded: StringArena | undefined, more: readonly string[]): Uint8Array {
    const encoded = more.map(encodeWtf8);
    const base = loaded?.count ?? 0;
    const baseBytes = loaded ? loaded.offsets[base]! : 0;
    const count = base + more.length;
    const arenaBytes = encoded.reduce((n, b) => n + b.length, baseBytes);
    if (arenaBytes > 0xffff_ffff) {
      throw fail.limit(`StringArena: ${arenaBytes} bytes of strings exceed uint32 offsets`,
        'one shard\'s customer ids (or the store\'s skus, categories, shops or tags) must stay under 4 GiB: use more shards');
    }
    const out = new Uint8Array(8 + 4 * (count + 1) + arenaBytes);
    const head = new DataView(out.buffer);
    head.setUint32(0, count, true);
    head.setUint32(4, arenaBytes, true);
    const offsets = new DataView(out.buffer, 8, 4 * (count + 1));
    const arenaAt = 8 + 4 * (count + 1);
    if (loaded) {
      for (let i = 0; i <= base; i++) offsets.setUint32(4 * i, loaded.offsets[i]!, true);
      out.set(loaded.bytes.subarray(0, baseBytes), arenaAt);
    }
    let at = baseBytes;
    encoded.forEach((b, k) => {
      out.set(b, arenaAt + at);
      at += b.length;
      offsets.setUint32(4 * (base + k + 1), at, true);
    });
    return out;
  }

  /** Views of `bytes` (no copy when its offsets are 4-byte aligned, as a loaded file's are). */
  static fromBytes(bytes: Uint8Array): StringArena {
    if (bytes.length < 12) throw fail.corrupt(`string arena: ${bytes.length} bytes, less than an empty arena`);
    const head = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const count = head.getUint32(0, true), arenaBytes = head.getUint32(4, true);
    const expected = 8 + 4 * (count + 1) + arenaBytes;
    if (bytes.length !== expected) throw fail.corrupt(`string arena: ${bytes.length} bytes where count ${count} and arena ${arenaBytes} make ${expected}`);
    const at = bytes.byteOffset + 8;
    const offsets = at % 4 === 0 && isLittleEndian()
      ? new Uint32Array(bytes.buffer, at, count + 1)
      : Uint32Array.from({ length: count + 1 }, (_, i) => new DataView(bytes.buffer, at + 4 * i, 4).getUint32(0, true));
    if (offsets[0] !== 0 || offsets[count] !== arenaBytes) throw fail.corrupt('string arena: offsets do not span the arena');
    for (let i = 0; i < count; i++) if (offsets[i + 1]! < offsets[i]!) throw fail.corrupt(`string arena: offset ${i + 1} is below offset ${i}`);
    return new StringArena(offsets, bytes.subarray(8 + 4 * (count + 1)));
  }
}

const isLittleEndian = () => new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
