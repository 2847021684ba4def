import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CustomerMarks } from '../../../src/exec/scratch/customer-marks.js';
import { ReusedBuffers } from '../../../src/exec/scratch/reused-buffers.js';

describe('CustomerMarks (existence scans)', () => {
  it('collect every marked customer once, ascending, and are all clear afterwards', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }), (customers) => {
      const s = new CustomerMarks(new ReusedBuffers());
      s.ensure(5001);
      for (const c of customers) s.mark(c);
      const expected = [...new Set(customers)].sort((a, b) => a - b);
      expect(Array.from(s.take())).toEqual(expected);
      expect(Array.from(s.take())).toEqual([]);
      // reused: a second round sees only its own marks
      s.mark(31); s.mark(32); s.mark(0);
      expect(Array.from(s.take())).toEqual([0, 31, 32]);
    }));
  });

  it('keeps marks when growing for more customers', () => {
    const s = new CustomerMarks(new ReusedBuffers());
    s.ensure(10);
    s.mark(3);
    s.ensure(1_000_000);
    s.mark(999_999);
    expect(Array.from(s.take())).toEqual([3, 999_999]);
  });
});
