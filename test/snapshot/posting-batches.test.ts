import { makeTable, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sharedColumn } from '../../src/snapshot/read-snapshot.js';
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

  it('reads back, batch by batch, into one shared buffer', () => {
    const table = new Table(postingBatches(parts, 3).map((rows) => makeTable({ rows }).batches[0]!));
    const read = tableFromIPC(tableToIPC(table, 'file'));
    expect(read.batches.length).toBeGreaterThan(1);
    const rows = sharedColumn(read, 'rows');
    expect(rows.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(rows)).toEqual(all);
  });
});
