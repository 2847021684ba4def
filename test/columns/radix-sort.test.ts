import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radixSortU32 } from '../../src/columns/radix-sort.js';

describe('radixSortU32', () => {
  it('sorts like TypedArray.prototype.sort (small, large, wide and narrow values, duplicates)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })), { maxLength: 3000 }),
        (list) => {
          const a = Uint32Array.from(list);
          const want = Uint32Array.from(list).sort();
          radixSortU32(a);
          expect(Array.from(a)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sorts 200,000 values of every width', () => {
    for (const max of [1, 2047, 2048, 4_194_303, 4_194_304, 2 ** 32 - 1]) {
      const a = new Uint32Array(200_000);
      for (let i = 0; i < a.length; i++) a[i] = Math.floor(Math.random() * (max + 1));
      const want = a.slice().sort();
      radixSortU32(a);
      let differ = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== want[i]) differ++;
      expect(differ, `values out of place, max ${max}`).toBe(0);
    }
  });
});
