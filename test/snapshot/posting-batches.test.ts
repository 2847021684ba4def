import { makeTable, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { postingRuns } from '../../src/snapshot/read-snapshot.js';
import { postingBatches } from '../../src/snapshot/write-snapshot.js';

describe('postings file batches', () => {
  const parts = [[1, 2], [3], [4, 5, 6, 7, 8], [9], [10, 11, 12], []].map((a) => Uint32Array.from(a));
  const all = parts.flatMap((p) => Array.from(p));

  it('keeps every row in order, passes big postings through uncopied and gathers small ones', () => {
    const batches = postingBatches(parts, 3);
    expect(batches.flatMap((b) => Array.from(b))).toEqual(all);
    expect(batches).toContain(parts[2]); // 5 rows >= 3: the same array, not a copy
    expect(batches.every((b) => b.length > 0)).toBe(true);
    expect(postingBatches([], 3).map((b) => b.length)).toEqual([0]);
  });

  const counts = Uint32Array.from(parts, (p) => p.length);
  /** the IPC bytes in shared memory, as loadSnapshot reads a file */
  const inShared = (bytes: Uint8Array) => {
    const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
    copy.set(bytes);
    return copy;
  };

  it('reads back as one view per posting into the file\'s shared buffer (no copy)', () => {
    const table = new Table(postingBatches(parts, 3).map((rows) => makeTable({ rows }).batches[0]!));
    const bytes = inShared(tableToIPC(table, 'file'));
    const read = tableFromIPC(bytes);
    expect(read.batches.length).toBeGreaterThan(1);
    const runs = postingRuns(read, counts);
    const slices = parts.map((_, k) => runs.rows(k));
    expect(slices.map((s) => Array.from(s))).toEqual(parts.map((p) => Array.from(p)));
    for (const s of slices.filter((s) => s.length > 0)) expect(s.buffer).toBe(bytes.buffer);
  });

  it('copies a posting that crosses record batches (another writer\'s batching) into shared memory of its own', () => {
    const cut = [Uint32Array.from(all.slice(0, 4)), Uint32Array.from(all.slice(4))]; // [4, 5, 6, 7, 8] spans both
    const bytes = inShared(tableToIPC(new Table(cut.map((rows) => makeTable({ rows }).batches[0]!)), 'file'));
    const runs = postingRuns(tableFromIPC(bytes), counts);
    const slices = parts.map((_, k) => runs.rows(k));
    expect(slices.map((s) => Array.from(s))).toEqual(parts.map((p) => Array.from(p)));
    expect(slices[2]!.buffer).not.toBe(bytes.buffer);
    expect(slices[2]!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(slices[0]!.buffer).toBe(bytes.buffer);
    expect(() => postingRuns(tableFromIPC(bytes), Uint32Array.from([all.length + 1]))).toThrow(/exceed/);
  });
});
