import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyChecksums } from '../../src/snapshot/verify-checksums.js';

function sharedBytes(n: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(new SharedArrayBuffer(n + 3), 3, n); // an offset view, as a mapped file's Buffer can be
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return bytes;
}

describe('verifyChecksums', () => {
  it('finds each mismatching file, whichever thread checks it', () => {
    const jobs = [5_000_000, 3_000_000, 2_000_000, 1_000, 10].map((n, k) => {
      const bytes = sharedBytes(n, k);
      return { bytes, crc32: zlib.crc32(bytes) };
    });
    // plain (unshared) memory stays on this thread
    const plain = new Uint8Array(4096).fill(9);
    jobs.push({ bytes: plain, crc32: zlib.crc32(plain) });
    expect(verifyChecksums(jobs, 0)).toEqual([true, true, true, true, true, true]);
    for (const bad of [0, 1, 3, 5]) {
      const flipped = jobs.map((j, k) => (k === bad ? { ...j, crc32: (j.crc32 ^ 1) >>> 0 } : j));
      const want = jobs.map((_, k) => k !== bad);
      expect(verifyChecksums(flipped, 0)).toEqual(want); // with the worker
      expect(verifyChecksums(flipped, Number.POSITIVE_INFINITY)).toEqual(want); // one thread
    }
  });
});
