// Attribute buckets both ways: one bitmap intersection per value, and one pass over
// the members for an attribute with very many distinct values (an id-like attribute).
import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import { AttributeIndex } from '../../src/index/attribute-index.js';
import { addAttrCounts, emptyAttrCounts, visitMembers } from '../../src/portrait/attr-counts.js';
import { addRangeCounts, emptyRangeCounts, rangeOf } from '../../src/portrait/range-counts.js';
import { Rng } from '../oracle/random-data.js';

function brute(values: Map<number, string | number>, members: number[]) {
  const strings = new Map<string, number>(), numbers = new Map<number, number>();
  let none = 0;
  for (const c of members) {
    const v = values.get(c);
    if (v === undefined) none++;
    else if (typeof v === 'number') numbers.set(v, (numbers.get(v) ?? 0) + 1);
    else strings.set(v, (strings.get(v) ?? 0) + 1);
  }
  return { strings, numbers, none };
}

describe('attribute counts', () => {
  for (const distinct of [5, 3000]) {
    it(`equal a count by hand with ${distinct} distinct values, replaced and deleted values, small and large segments`, () => {
      const rng = new Rng(distinct);
      const index = new AttributeIndex();
      const values = new Map<number, string | number>();
      for (let i = 0; i < 20_000; i++) {
        const c = rng.int(0, 9_999);
        const r = rng.next();
        const v = r < 0.1 ? null : r < 0.55 ? rng.int(0, distinct - 1) : String(rng.int(0, distinct - 1)); // 7 and "7" both occur
        index.set(c, v);
        if (v === null) values.delete(c);
        else values.set(c, v);
      }
      for (const size of [3, 50, 2000, 10_000]) {
        const members = [...new Set(Array.from({ length: size }, () => rng.int(0, 12_000)))].sort((a, b) => a - b);
        const bitmap = new Bitmap(members);
        const counts = emptyAttrCounts();
        addAttrCounts(index, bitmap, counts);
        expect(counts).toEqual(brute(values, members));
        const bounds = [-1, 10, 500.5, 2000];
        const ranges = emptyRangeCounts(bounds);
        addRangeCounts(index, bounds, bitmap, ranges);
        const want = new Float64Array(bounds.length + 1);
        let none = 0;
        for (const c of members) {
          const v = values.get(c);
          if (typeof v === 'number') want[rangeOf(v, bounds)]!++;
          else none++;
        }
        expect(ranges).toEqual({ ranges: want, none });
      }
    });
  }

  it('reads the members instead of intersecting when values are many for the segment', () => {
    const index = new AttributeIndex();
    for (let c = 0; c < 1000; c++) index.set(c, `id-${c}`);
    expect(visitMembers(index, 10)).toBe(true);
    expect(visitMembers(index, 1_000_000)).toBe(false);
    const few = new AttributeIndex();
    for (let c = 0; c < 1000; c++) few.set(c, c % 3);
    expect(visitMembers(few, 1)).toBe(false);
  });

  it('puts a bound in the range it starts: [b_i, b_i+1)', () => {
    expect([17.9, 18, 29.99, 30, 45, 1e9].map((v) => rangeOf(v, [18, 30, 45]))).toEqual([0, 1, 1, 2, 3, 3]);
  });
});
