/** parseAmountCents, property-based: exact for every amount the contract allows, refusing the rest. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmountCents } from '../../src/model/money.js';

const text = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

describe('parseAmountCents (contract)', () => {
  it('the brief cases', () => {
    expect(parseAmountCents('299.00')).toBe(29900);
    expect(parseAmountCents('1.005')).toBeUndefined();
    expect(parseAmountCents('-1')).toBeUndefined();
    expect(parseAmountCents('1e3')).toBeUndefined();
    expect(parseAmountCents(1e21)).toBeUndefined();
    expect(parseAmountCents(0.1 + 0.2)).toBeUndefined();
    expect(parseAmountCents(0.29)).toBe(29);
  });

  it('any cents value written with 0, 1 or 2 decimals reads back exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (c) => {
        expect(parseAmountCents(text(c))).toBe(c);
        if (c % 10 === 0) expect(parseAmountCents(text(c).slice(0, -1))).toBe(c);
        if (c % 100 === 0) expect(parseAmountCents(String(c / 100))).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('a JS number with at most 2 decimals (below 10^13 yuan) is exact, never float-multiplied', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 }), (c) => {
        expect(parseAmountCents(c / 100)).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('three or more decimals, a sign or an exponent is refused', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 3, max: 12 }), (whole, last, places) => {
        const frac = '0'.repeat(places - 1) + String(last);
        expect(parseAmountCents(`${whole}.${frac}`)).toBeUndefined();
        expect(parseAmountCents(`-${whole + 1}`)).toBeUndefined();
        expect(parseAmountCents(`${whole}e2`)).toBeUndefined();
        expect(parseAmountCents(-(whole + 1) / 100)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('beyond 2^53-1 cents is refused, not rounded', () => {
    expect(parseAmountCents(text(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseAmountCents('90071992547409.92')).toBeUndefined();
    expect(parseAmountCents('900719925474099')).toBeUndefined();
    expect(parseAmountCents(1e20)).toBeUndefined();
  });
});
