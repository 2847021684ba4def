/**
 * bucket(c) = U mod 10000, U the first 8 bytes of MD5(UTF-8 of `seed + ":" +
 * customer_id`) read as an unsigned big-endian 64-bit integer (contract 7.6).
 *
 * MD5 is computed here in JS over a reused byte buffer rather than with
 * node:crypto per id: a createHash per id (or crypto.hash) crosses into C++
 * and allocates a Buffer each time; this runs ~3-5x faster for short ids
 * (docs/performance.md). The test oracle uses node:crypto, independently.
 * Text is UTF-8 as node:crypto and TextEncoder write it: a lone surrogate
 * (possible in a JSON id) becomes U+FFFD.
 */

const S = new Uint8Array([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]);
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
/** 2^32 mod 10000 */
const TWO32_MOD = 7296;

const encoder = new TextEncoder();

/** Computes buckets for one seed, reusing its buffers. */
export class BucketHasher {
  private buf: Uint8Array;
  private readonly prefixLength: number;
  private readonly words = new Int32Array(16);

  constructor(seed: string) {
    const prefix = encoder.encode(seed + ':');
    this.prefixLength = prefix.length;
    this.buf = new Uint8Array(Math.max(256, roundUp(prefix.length + 64)));
    this.buf.set(prefix);
  }

  /** bucket(c) for customer id `id`, 0..9999. */
  bucket(id: string): number {
    let len = this.prefixLength;
    // room for the id as UTF-8 (3 bytes per UTF-16 unit at most) plus padding
    if (len + 3 * id.length + 72 > this.buf.length) this.grow(len + 3 * id.length + 72);
    const buf = this.buf;
    let ascii = true;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c >= 0x80) { ascii = false; break; }
      buf[len + i] = c;
    }
    if (ascii) len += id.length;
    else len += encoder.encodeInto(id, buf.subarray(len)).written;
    return this.digestBucket(len);
  }

  private grow(need: number): void {
    const next = new Uint8Array(roundUp(need * 2));
    next.set(this.buf.subarray(0, this.prefixLength));
    this.buf = next;
  }

  /** MD5 of buf[0..len) (padding written in place), reduced to the bucket. */
  private digestBucket(len: number): number {
    const buf = this.buf, x = this.words;
    const total = roundUp(len + 9);
    buf[len] = 0x80;
    buf.fill(0, len + 1, total);
    const bits = len * 8;
    buf[total - 8] = bits & 0xff;
    buf[total - 7] = (bits >>> 8) & 0xff;
    buf[total - 6] = (bits >>> 16) & 0xff;
    buf[total - 5] = (bits >>> 24) & 0xff;
    // len < 2^29, so the high length word stays 0
    let a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
    for (let at = 0; at < total; at += 64) {
      for (let j = 0; j < 16; j++) {
        const p = at + 4 * j;
        x[j] = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
      }
      let a = a0, b = b0, c = c0, d = d0;
      for (let i = 0; i < 64; i++) {
        let f: number, g: number;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
        else { f = c ^ (b | ~d); g = (7 * i) & 15; }
        const s = S[((i >> 4) << 2) | (i & 3)]!;
        const t = (a + f + K[i]! + x[g]!) | 0;
        a = d; d = c; c = b;
        b = (b + ((t << s) | (t >>> (32 - s)))) | 0;
      }
      a0 = (a0 + a) | 0; b0 = (b0 + b) | 0; c0 = (c0 + c) | 0; d0 = (d0 + d) | 0;
    }
    // digest bytes 0..3 are a0 little-endian, 4..7 are b0: big-endian U = bswap(a0) * 2^32 + bswap(b0)
    const hi = bswap(a0), lo = bswap(b0);
    return ((hi % 10000) * TWO32_MOD + (lo % 10000)) % 10000;
  }
}

function bswap(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

function roundUp(n: number): number {
  return (n + 63) & ~63;
}
