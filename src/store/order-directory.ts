import { constants as bufferConstants } from 'node:buffer';
import { fail } from '../model/errors.js';
import { decodeWtf8, encodeNonAscii, isWtf8 } from './wtf8.js';

/**
 * order_id -> uint32, in typed arrays only: a `Map<string, number>` costs about
 * 70 bytes per order, this costs the id's UTF-8 bytes plus 8 bytes plus 4 bytes
 * per hash slot (about 28-31 bytes per 12-byte id when sized for its contents,
 * up to about 2x the 20 data bytes in the worst case just after a doubling).
 *
 * Layout:
 * - `arena`: every id's bytes back to back; entry i is arena[offsets[i]..offsets[i+1]).
 * - `offsets`: entry start offsets (capacity + 1 of them, offsets[0] = 0).
 * - `values`: the uint32 per entry.
 * - `table`: open addressing, linear probing, power-of-two capacity, load <= 0.6.
 *   A slot holds entryIndex + 1 (0 = empty) in its low log2(capacity) bits and
 *   the high bits of the id's hash in the rest, so most probe collisions are
 *   rejected without touching offsets or arena (no per-entry hash array needed).
 *
 * Ids are stored as WTF-8: plain UTF-8 for well-formed strings, and a lone
 * surrogate as its 3-byte sequence, so every JS string (like a Map key) maps
 * to exactly one byte string and back. The hash is FNV-1a over those bytes with
 * a murmur3 finalizer, computed the same way for a JS string and stored bytes.
 */

/** Offsets are uint32, and Node 20 caps a Uint8Array at 2^32 bytes. */
const MAX_ARENA_BYTES = Math.min(0xffff_ffff, bufferConstants.MAX_LENGTH);
/** Largest hash table (8 GiB); leaves at least 1 tag bit per slot. */
const MAX_TABLE_CAPACITY = 2 ** 31;
const MAX_LOAD = 0.6;
const MAX_ENTRIES = Math.floor(MAX_TABLE_CAPACITY * MAX_LOAD);
/** Sizing guess for the arena when an expected size is given. */
const EXPECTED_ID_BYTES = 12;

const MAGIC = [0x53, 0x44, 0x4f, 0x44]; // "SDOD"
const FORMAT_VERSION = 1;
const HEADER_BYTES = 20; // magic, version, count, arena length lo, arena length hi

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return fmix32(h);
}

/** Reused for every lookup: the WTF-8 bytes of the last id encoded, and its hash. */
let scratch = new Uint8Array(256);
let scratchHash = 0;

/** Encodes `id` into `scratch` and hashes it (into `scratchHash`); returns the byte length. */
function encodeId(id: string): number {
  const n = id.length;
  if (scratch.length < n * 3) scratch = new Uint8Array(Math.max(n * 3, scratch.length * 2));
  const buf = scratch;
  let h = FNV_OFFSET;
  let i = 0;
  for (; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x80) break;
    buf[i] = c;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  if (i === n) {
    scratchHash = fmix32(h);
    return n;
  }
  const end = encodeNonAscii(id, i, buf, i);
  for (let k = i; k < end; k++) h = Math.imul(h ^ buf[k]!, FNV_PRIME);
  scratchHash = fmix32(h);
  return end;
}

/** The 32-bit hash the directory uses for `id` (exported for tests that need colliding ids). */
export function hashOrderId(id: string): number {
  encodeId(id);
  return scratchHash >>> 0;
}

function tableCapacityFor(entries: number): number {
  let cap = 16;
  while (entries > Math.floor(cap * MAX_LOAD)) cap *= 2;
  if (cap > MAX_TABLE_CAPACITY) throw fail.limit(`OrderDirectory: ${entries} entries exceed the maximum of ${MAX_ENTRIES}`, SPLIT_THE_STORE);
  return cap;
}

/** What to do about more orders, or more order-id bytes, than one directory holds. */
const SPLIT_THE_STORE = `one store holds at most ${MAX_ENTRIES} orders and ${MAX_ARENA_BYTES} bytes of order ids: split the orders over several stores`;

/** Sequential reader over a list of byte chunks (arbitrary boundaries). */
class ChunkReader {
  private chunk = 0;
  private at = 0;
  position = 0;
  constructor(private readonly chunks: readonly Uint8Array[]) {}

  /** Fills `dest` completely from the stream; the caller has checked the total length. */
  readInto(dest: Uint8Array): void {
    let filled = 0;
    while (filled < dest.length) {
      const c = this.chunks[this.chunk];
      if (c === undefined) throw fail.corrupt('order directory: truncated', { offset: this.position });
      const take = Math.min(c.length - this.at, dest.length - filled);
      dest.set(c.subarray(this.at, this.at + take), filled);
      filled += take;
      this.at += take;
      this.position += take;
      if (this.at === c.length) {
        this.chunk++;
        this.at = 0;
      }
    }
  }
}

function swap32(a: Uint32Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    a[i] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  }
}

/** `n` uint32 of `a` as little-endian bytes (a view when the platform is little-endian). */
function u32Bytes(a: Uint32Array, n: number): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, n * 4);
  const copy = a.slice(0, n);
  swap32(copy);
  return new Uint8Array(copy.buffer);
}

export class OrderDirectory {
  private arena: Uint8Array;
  /** length = entry capacity + 1 */
  private offsets: Uint32Array;
  /** length = entry capacity */
  private values: Uint32Array;
  private table: Uint32Array;
  private mask: number;
  private maxLoad: number;
  private count = 0;

  /** `expectedSize` presizes every array for that many ids (of about 12 bytes). */
  constructor(expectedSize = 0) {
    if (!(expectedSize >= 0) || expectedSize > MAX_ENTRIES) {
      throw fail.limit(`OrderDirectory: expected size must be from 0 to ${MAX_ENTRIES}, got ${expectedSize}`, SPLIT_THE_STORE);
    }
    const entries = Math.max(16, Math.ceil(expectedSize));
    this.values = new Uint32Array(entries);
    this.offsets = new Uint32Array(entries + 1);
    this.arena = new Uint8Array(Math.min(MAX_ARENA_BYTES, Math.max(256, entries * EXPECTED_ID_BYTES)));
    const cap = tableCapacityFor(entries);
    this.table = new Uint32Array(cap);
    this.mask = cap - 1;
    this.maxLoad = Math.floor(cap * MAX_LOAD);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by all typed arrays, spare capacity included. */
  get byteLength(): number {
    return this.arena.byteLength + this.offsets.byteLength + this.values.byteLength + this.table.byteLength;
  }

  get(id: string): number | undefined {
    const e = this.find(encodeId(id), scratchHash);
    return e >= 0 ? this.values[e] : undefined;
  }

  has(id: string): boolean {
    return this.find(encodeId(id), scratchHash) >= 0;
  }

  /** Adds an id that is not present yet (throws if it is) with a uint32 value. */
  add(id: string, value: number): void {
    if (value >>> 0 !== value) throw fail.internal(`OrderDirectory.add: value must be a uint32, got ${value}`);
    const len = encodeId(id);
    const h = scratchHash;
    let at = this.find(len, h);
    if (at >= 0) throw fail.internal(`OrderDirectory.add: duplicate id ${JSON.stringify(id)}`);
    const n = this.count;
    const start = this.offsets[n]!;
    const end = start + len;
    if (end > MAX_ARENA_BYTES) {
      throw fail.limit(`OrderDirectory: id bytes would exceed ${MAX_ARENA_BYTES} (the largest arena a Uint8Array with uint32 offsets can hold)`, SPLIT_THE_STORE);
    }
    if (n + 1 > this.maxLoad) {
      this.growTable();
      at = this.find(len, h);
    }
    if (n === this.values.length) this.growEntries();
    if (end > this.arena.length) this.growArena(end);
    const arena = this.arena;
    const buf = scratch;
    if (len > 64) arena.set(buf.subarray(0, len), start);
    else for (let k = 0; k < len; k++) arena[start + k] = buf[k]!;
    this.offsets[n + 1] = end;
    this.values[n] = value;
    this.table[-at - 1] = (h & ~this.mask) | (n + 1);
    this.count = n + 1;
  }

  /** Calls `fn` for every entry in insertion order (entries added meanwhile are not visited). */
  forEach(fn: (id: string, value: number) => void): void {
    const n = this.count;
    let arena: Uint8Array | undefined;
    let latin1: Buffer | undefined;
    for (let e = 0; e < n; e++) {
      if (arena !== this.arena) {
        arena = this.arena;
        latin1 = Buffer.from(arena.buffer, arena.byteOffset, arena.byteLength);
      }
      const start = this.offsets[e]!;
      const end = this.offsets[e + 1]!;
      let ascii = true;
      for (let k = start; k < end; k++) {
        if (arena[k]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      fn(ascii ? latin1!.toString('latin1', start, end) : decodeWtf8(arena, start, end), this.values[e]!);
    }
  }

  /**
   * The serialized directory as chunks whose concatenation is `toBytes()`;
   * the large ones are views of the live arrays (no copy), unchanged by later
   * adds. Use this past 4 GiB, where one Uint8Array cannot hold it all.
   */
  toChunks(): Uint8Array[] {
    const n = this.count;
    const arenaBytes = this.offsets[n]!;
    const header = new Uint8Array(HEADER_BYTES);
    const dv = new DataView(header.buffer);
    header.set(MAGIC, 0);
    dv.setUint32(4, FORMAT_VERSION, true);
    dv.setUint32(8, n, true);
    dv.setUint32(12, arenaBytes >>> 0, true);
    dv.setUint32(16, Math.floor(arenaBytes / 2 ** 32), true);
    return [header, u32Bytes(this.offsets, n + 1), u32Bytes(this.values, n), this.arena.subarray(0, arenaBytes)];
  }

  /**
   * Little-endian: "SDOD", version u32, count u32, arena length as u32 lo + u32 hi,
   * then count + 1 offsets u32, count values u32, the arena bytes.
   */
  toBytes(): Uint8Array {
    const chunks = this.toChunks();
    const total = chunks.reduce((s, c) => s + c.length, 0);
    if (total > bufferConstants.MAX_LENGTH) {
      throw fail.internal(`OrderDirectory.toBytes: ${total} bytes exceed the largest Uint8Array (${bufferConstants.MAX_LENGTH}); use toChunks()`);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  static fromBytes(bytes: Uint8Array): OrderDirectory {
    return OrderDirectory.fromChunks([bytes]);
  }

  /** Inverse of `toChunks()`: the chunks' concatenation is read, any boundaries. */
  static fromChunks(chunks: readonly Uint8Array[]): OrderDirectory {
    const total = chunks.reduce((s, c) => s + c.length, 0);
    if (total < HEADER_BYTES) throw fail.corrupt(`order directory: truncated: ${total} bytes, the header alone is ${HEADER_BYTES}`, { offset: total });
    const reader = new ChunkReader(chunks);
    const header = new Uint8Array(HEADER_BYTES);
    reader.readInto(header);
    for (let i = 0; i < 4; i++) if (header[i] !== MAGIC[i]) throw fail.corrupt('order directory: bad magic (not an order directory)', { offset: 0 });
    const dv = new DataView(header.buffer);
    const version = dv.getUint32(4, true);
    if (version !== FORMAT_VERSION) throw fail.corrupt(`order directory: unsupported version ${version}`, { offset: 4 });
    const n = dv.getUint32(8, true);
    const arenaBytes = dv.getUint32(12, true) + dv.getUint32(16, true) * 2 ** 32;
    if (arenaBytes > MAX_ARENA_BYTES) throw fail.corrupt(`order directory: arena length ${arenaBytes} out of range`, { offset: 12 });
    const expected = HEADER_BYTES + 4 * (n + 1) + 4 * n + arenaBytes;
    if (total < expected) throw fail.corrupt(`order directory: truncated: ${total} bytes, expected ${expected}`, { offset: total });
    if (total > expected) throw fail.corrupt(`order directory: ${total - expected} unexpected bytes after the end`, { offset: expected });
    if (n > MAX_ENTRIES) throw fail.corrupt(`order directory: count ${n} out of range`, { offset: 8 });

    const d = new OrderDirectory();
    const offsets = new Uint32Array(n + 1);
    const values = new Uint32Array(n);
    const arena = new Uint8Array(arenaBytes);
    reader.readInto(new Uint8Array(offsets.buffer));
    reader.readInto(new Uint8Array(values.buffer));
    reader.readInto(arena);
    if (!LITTLE_ENDIAN) {
      swap32(offsets);
      swap32(values);
    }
    if (offsets[0] !== 0) throw fail.corrupt(`order directory: first offset is ${offsets[0]}, not 0`, { offset: HEADER_BYTES });
    for (let i = 0; i < n; i++) {
      if (offsets[i + 1]! < offsets[i]!) throw fail.corrupt(`order directory: offset ${i + 1} (${offsets[i + 1]}) is below offset ${i} (${offsets[i]})`, { offset: HEADER_BYTES + 4 * (i + 1) });
    }
    if (offsets[n] !== arenaBytes) throw fail.corrupt(`order directory: last offset ${offsets[n]} does not match the arena length ${arenaBytes}`, { offset: HEADER_BYTES + 4 * n });

    const cap = tableCapacityFor(n);
    d.arena = arena;
    d.offsets = offsets;
    d.values = values;
    d.table = new Uint32Array(cap);
    d.mask = cap - 1;
    d.maxLoad = Math.floor(cap * MAX_LOAD);
    const arenaAt = HEADER_BYTES + 8 * n + 4;
    for (let e = 0; e < n; e++) {
      const start = offsets[e]!;
      const end = offsets[e + 1]!;
      let h = FNV_OFFSET;
      let or = 0;
      for (let k = start; k < end; k++) {
        const b = arena[k]!;
        or |= b;
        h = Math.imul(h ^ b, FNV_PRIME);
      }
      h = fmix32(h);
      if (or >= 0x80 && !isWtf8(arena, start, end)) throw fail.corrupt(`order directory: id ${e} is not valid UTF-8`, { offset: arenaAt + start });
      const at = d.findBytes(arena, start, end - start, h);
      if (at >= 0) throw fail.corrupt(`order directory: id ${e} repeats id ${at}`, { offset: arenaAt + start });
      d.table[-at - 1] = (h & ~d.mask) | (e + 1);
    }
    d.count = n;
    return d;
  }

  /** Entry index of the id in `scratch[0..len)` with hash `h`, or -(free slot + 1). */
  private find(len: number, h: number): number {
    return this.findBytes(scratch, 0, len, h);
  }

  private findBytes(bytes: Uint8Array, from: number, len: number, h: number): number {
    const table = this.table;
    const mask = this.mask;
    const tagMask = ~mask;
    const offsets = this.offsets;
    const arena = this.arena;
    let pos = h & mask;
    for (;;) {
      const slot = table[pos]!;
      if (slot === 0) return -pos - 1;
      if (((slot ^ h) & tagMask) === 0) {
        const e = (slot & mask) - 1;
        const start = offsets[e]!;
        if (offsets[e + 1]! - start === len) {
          let k = 0;
          while (k < len && arena[start + k] === bytes[from + k]) k++;
          if (k === len) return e;
        }
      }
      pos = (pos + 1) & mask;
    }
  }

  private growTable(): void {
    const cap = this.table.length * 2;
    if (cap > MAX_TABLE_CAPACITY) throw fail.limit(`OrderDirectory: more than ${MAX_ENTRIES} entries are not supported`, SPLIT_THE_STORE);
    const table = new Uint32Array(cap);
    const mask = cap - 1;
    const tagMask = ~mask;
    const offsets = this.offsets;
    const arena = this.arena;
    for (let e = 0; e < this.count; e++) {
      const h = hashBytes(arena, offsets[e]!, offsets[e + 1]!);
      let pos = h & mask;
      while (table[pos] !== 0) pos = (pos + 1) & mask;
      table[pos] = (h & tagMask) | (e + 1);
    }
    this.table = table;
    this.mask = mask;
    this.maxLoad = Math.floor(cap * MAX_LOAD);
  }

  private growEntries(): void {
    const cap = Math.max(16, this.values.length * 2);
    const values = new Uint32Array(cap);
    values.set(this.values);
    const offsets = new Uint32Array(cap + 1);
    offsets.set(this.offsets);
    this.values = values;
    this.offsets = offsets;
  }

  private growArena(needed: number): void {
    let cap = Math.max(256, this.arena.length * 2);
    while (cap < needed) cap *= 2;
    const arena = new Uint8Array(Math.min(cap, MAX_ARENA_BYTES));
    arena.set(this.arena);
    this.arena = arena;
  }
}
