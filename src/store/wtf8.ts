/**
 * WTF-8: UTF-8 that also encodes lone surrogates (as 3-byte sequences), so
 * every JS string maps to exactly one byte string and back. Ids (order and
 * customer) are kept in byte arenas this way.
 */

/** WTF-8 encodes id[i..] at buf[p..]; returns the end position. */
export function encodeNonAscii(id: string, i: number, buf: Uint8Array, p: number): number {
  const n = id.length;
  for (; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = id.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
      }
      // BMP character, or a lone surrogate (WTF-8)
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/** Whether bytes[start..end) is valid WTF-8 (shortest forms, no surrogate pair as two 3-byte sequences). */
export function isWtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  let afterLeadSurrogate = false;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      afterLeadSurrogate = false;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0xc2) return false; // continuation byte or overlong 2-byte form
    else if (b < 0xe0) need = 1;
    else if (b < 0xf0) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
    } else if (b < 0xf5) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= end) return false;
    const b1 = bytes[i + 1]!;
    if (b1 < lo || b1 > hi) return false;
    for (let k = 2; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
    let lead = false;
    if (b === 0xed && b1 >= 0xa0) {
      // a surrogate: a trail right after a lead must have been one 4-byte sequence
      if (b1 >= 0xb0 && afterLeadSurrogate) return false;
      lead = b1 < 0xb0;
    }
    afterLeadSurrogate = lead;
    i += need + 1;
  }
  return true;
}

/** Code units for decoding non-ASCII ids (grown as needed). */
let units = new Uint16Array(256);

export function decodeWtf8(bytes: Uint8Array, start: number, end: number): string {
  if (units.length < end - start) units = new Uint16Array(Math.max(end - start, units.length * 2));
  const u = units;
  let n = 0;
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      u[n++] = b;
      i++;
    } else if (b < 0xe0) {
      u[n++] = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      u[n++] = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      const cp =
        (((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f)) - 0x10000;
      u[n++] = 0xd800 + (cp >> 10);
      u[n++] = 0xdc00 + (cp & 0x3ff);
      i += 4;
    }
  }
  let s = '';
  for (let k = 0; k < n; k += 8192) {
    s += String.fromCharCode.apply(null, u.subarray(k, Math.min(n, k + 8192)) as unknown as number[]);
  }
  return s;
}

/** The WTF-8 bytes of `s`. */
export function encodeWtf8(s: string): Uint8Array {
  const buf = new Uint8Array(s.length * 3);
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[i] = c;
  }
  return buf.subarray(0, i === s.length ? i : encodeNonAscii(s, i, buf, i));
}
