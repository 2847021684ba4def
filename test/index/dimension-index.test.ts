import { describe, expect, it } from 'vitest';
import { DimensionIndex } from '../../src/index/dimension-index.js';
import { PostingRuns } from '../../src/index/posting-runs.js';

/** rows 0..9 at times 100, 110, ..., 190 */
const rowTime = (row: number) => 100 + 10 * row;

/** Postings of values 3 and 7 (and an empty one of 5) in one buffer, as a snapshot's postings file has them. */
function loaded(): { index: DimensionIndex; buffer: Uint32Array } {
  const buffer = Uint32Array.from([1, 4, 6, 0, 2]);
  const runs = new PostingRuns([buffer], Uint32Array.from([0, 0, 0]), Float64Array.from([0, 3, 3]), Uint32Array.from([3, 2, 0]));
  const index = new DimensionIndex();
  index.loadPosting(3, 0);
  index.loadPosting(7, 1);
  index.loadPosting(5, 2);
  index.finishLoading(runs, rowTime);
  return { index, buffer };
}

describe('DimensionIndex over loaded runs', () => {
  it('answers sizes and rows without making posting objects, and makes one (a view) on first use', () => {
    const { index, buffer } = loaded();
    expect(index.valueCount).toBe(8);
    expect(index.rowCount([3, 7, 5, 1, 99])).toBe(5);
    expect(Array.from(index.orderedRows(7, rowTime)!)).toEqual([0, 2]);
    expect(index.orderedRows(1, rowTime)).toBeUndefined();
    const p = index.posting(3)!;
    expect(p.rows.data.buffer).toBe(buffer.buffer);
    expect(Array.from(p.rows.view())).toEqual([1, 4, 6]);
    expect(index.posting(3)).toBe(p); // made once
    expect(index.posting(1)).toBeUndefined();
    expect(index.posting(5)!.size).toBe(0);
  });

  it('takes appends onto a loaded posting (in order and late) without touching the loaded buffer', () => {
    const { index, buffer } = loaded();
    index.add(7, 8, rowTime(8), rowTime);
    index.add(7, 1, rowTime(1), rowTime); // late: before row 8 in time
    index.add(2, 9, rowTime(9), rowTime); // a value the snapshot did not have
    expect(Array.from(index.orderedRows(7, rowTime)!)).toEqual([0, 1, 2, 8]);
    expect(Array.from(index.orderedRows(2, rowTime)!)).toEqual([9]);
    expect(index.rowCount([7, 2])).toBe(5);
    expect(Array.from(buffer)).toEqual([1, 4, 6, 0, 2]);
  });

  it('setPosting replaces a loaded run', () => {
    const { index } = loaded();
    const other = loaded().index.posting(7)!;
    index.setPosting(3, other);
    expect(index.posting(3)).toBe(other);
    expect(index.rowCount([3])).toBe(2);
  });
});

describe('DimensionIndex loaded lazily (a live segment\'s small shard)', () => {
  it('gives every value the rows a plain filter gives, in order, by single passes and after grouping alike', () => {
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(Math.random() * 400);
      const maxValue = [3, 50, 100_000][trial % 3]!;
      const values = Uint32Array.from({ length: n }, () => Math.floor(Math.random() * (maxValue + 1)));
      const index = new DimensionIndex();
      index.loadLazily(values, n, rowTime);
      // ask in a random order, some twice and some absent, past the single-pass limit
      const asked = Array.from({ length: 20 }, () => Math.floor(Math.random() * (maxValue + 2)));
      for (const v of [...asked, ...asked.slice(0, 5)]) {
        const want = [...values.keys()].filter((row) => values[row] === v);
        const p = index.posting(v);
        if (want.length === 0) expect(p, `value ${v}`).toBeUndefined();
        else expect(Array.from(p!.rows.view()), `value ${v} of ${n} rows`).toEqual(want);
        expect(index.rowCount([v])).toBe(want.length);
      }
      expect(index.valueCount).toBeGreaterThanOrEqual(Math.max(...values) + 1);
    }
  });
});
