import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scratch } from '../../src/exec/scratch.js';

// the parts are tested in test/exec/scratch/; here what they share through the facade
describe('Scratch', () => {
  it('flags the touched customers in the customer marks for a complement pass, then clears them', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (customers, pending) => {
      const s = new Scratch({ pending, bucketShift: 2 });
      s.ensureCustomers(2001);
      for (const c of customers) s.add(c, true, 1);
      s.finish();
      const bits = s.markTouched(2001);
      const flagged = [];
      for (let c = 0; c <= 2000; c++) if ((bits[c >>> 5]! & (1 << (c & 31))) !== 0) flagged.push(c);
      expect(flagged).toEqual([...new Set(customers)].sort((a, b) => a - b));
      s.unmarkTouched();
      s.reset();
      // the marks are clear again: an existence scan sees only its own
      s.mark(5);
      expect(Array.from(s.takeMarks())).toEqual([5]);
    }));
  });

  it('byte counts saturate, select within bounds and clear', () => {
    const s = new Scratch();
    const counts = s.ensureCounts(10);
    counts[1] = 3; counts[4] = 255; counts[9] = 1;
    expect(Array.from(s.takeCounts(10, 2, 255))).toEqual([1, 4]);
    expect(Array.from(s.takeCounts(10, 1, 255))).toEqual([]);
  });

  it('order marks count an order once until cleared', () => {
    const s = new Scratch();
    s.ensureOrderMarks(100);
    expect([s.markOrder(33), s.markOrder(33), s.markOrder(34)]).toEqual([true, false, true]);
    s.clearOrder(33);
    expect(s.markOrder(33)).toBe(true);
  });
});
