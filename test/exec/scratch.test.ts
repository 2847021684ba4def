import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scratch } from '../../src/exec/scratch.js';

describe('Scratch marks (existence scans)', () => {
  it('collect every marked customer once, ascending, and are all clear afterwards', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }), (customers) => {
      const s = new Scratch();
      s.ensureMarks(5001);
      for (const c of customers) s.mark(c);
      const expected = [...new Set(customers)].sort((a, b) => a - b);
      expect(Array.from(s.takeMarks())).toEqual(expected);
      expect(Array.from(s.takeMarks())).toEqual([]);
      // reused: a second round sees only its own marks
      s.mark(31); s.mark(32); s.mark(0);
      expect(Array.from(s.takeMarks())).toEqual([0, 31, 32]);
    }));
  });

  it('keeps marks when growing for more customers', () => {
    const s = new Scratch();
    s.ensureMarks(10);
    s.mark(3);
    s.ensureMarks(1_000_000);
    s.mark(999_999);
    expect(Array.from(s.takeMarks())).toEqual([3, 999_999]);
  });
});

describe('Scratch additions (bucketed per customer range)', () => {
  it('sum to what adding each directly gives, whatever the buffer and bucket sizes, and touch each customer once', () => {
    const addition = fc.record({ c: fc.integer({ min: 0, max: 99_999 }), cents: fc.integer({ min: -500, max: 5000 }), order: fc.boolean() });
    fc.assert(fc.property(
      fc.array(addition, { maxLength: 400 }),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 0, max: 12 }),
      (adds, pending, bucketShift) => {
        const s = new Scratch({ pending, bucketShift });
        s.ensureCustomers(100_000);
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
