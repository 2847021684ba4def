import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CustomerSums } from '../../../src/exec/scratch/customer-sums.js';
import { ReusedBuffers } from '../../../src/exec/scratch/reused-buffers.js';

describe('CustomerSums additions (bucketed per customer range)', () => {
  it('sum to what adding each directly gives, whatever the buffer and bucket sizes, and touch each customer once', () => {
    const addition = fc.record({ c: fc.integer({ min: 0, max: 99_999 }), cents: fc.integer({ min: -500, max: 5000 }), order: fc.boolean() });
    fc.assert(fc.property(
      fc.array(addition, { maxLength: 400 }),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 0, max: 12 }),
      (adds, pending, bucketShift) => {
        const s = new CustomerSums(new ReusedBuffers(), { pending, bucketShift });
        s.ensure(100_000);
        const count = new Map<number, number>(), sum = new Map<number, number>();
        for (const { c, cents, order } of adds) {
          // as the scans do: a customer's first addition counts an order
          const countsOrder = order || !count.has(c);
          s.add(c, countsOrder, cents);
          count.set(c, (count.get(c) ?? 0) + (countsOrder ? 1 : 0));
          sum.set(c, (sum.get(c) ?? 0) + cents);
        }
        s.finish();
        // finish() leaves the touched customers ascending
        expect([...s.touched.subarray(0, s.touchedCount)]).toEqual([...count.keys()].sort((a, b) => a - b));
        for (const [c, n] of count) {
          expect(s.acc[2 * c]).toBe(n);
          expect(s.acc[2 * c + 1]).toBe(sum.get(c));
        }
        s.reset();
        expect(s.acc.every((v) => v === 0)).toBe(true);
      },
    ));
  });
});
