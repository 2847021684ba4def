import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountProblem, parseAmountCents } from '../../src/model/money.js';

describe('parseAmountCents', () => {
  it.each([
    ['299.00', 29900],
    ['299', 29900],
    ['0.5', 50],
    ['0.29', 29],
    ['0', 0],
    ['0.00', 0],
    ['007.10', 710],
    ['-0', 0],
    ['-0.00', 0],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('string %j -> %d cents', (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });

  it.each([
    [299, 29900],
    [0.29, 29], // 0.29 * 100 is 28.999999999999996 in floats
    [1.1, 110],
    [0.07, 7],
    [0, 0],
    [-0, 0],
    [4.35, 435],
    [1.15, 115],
  ])('number %d -> %d cents (digits, never float multiplication)', (n, cents) => {
    expect(parseAmountCents(n)).toBe(cents);
  });

  it('is exact for every cent value from 0.00 to 100.00 written as a number', () => {
    const wrong: number[] = [];
    for (let c = 0; c <= 10000; c++) {
      const n = Number(`${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);
      if (parseAmountCents(n) !== c) wrong.push(c);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['1.005', '"1.005" has more than 2 decimals'],
    ['1.000', '"1.000" has more than 2 decimals'],
    [2.125, '2.125 has more than 2 decimals'],
    [0.1 + 0.2, '0.30000000000000004 has more than 2 decimals'],
    [1e-7, '1e-7 has more than 2 decimals'],
    [1e21, '1e+21 is too large'],
    ['-1.00', '"-1.00" is negative'],
    [-5, '-5 is negative'],
    [-0.01, '-0.01 is negative'],
    [NaN, 'NaN is not a finite number'],
    [Infinity, 'Infinity is not a finite number'],
    [-Infinity, '-Infinity is not a finite number'],
    ['1e3', '"1e3" is not a plain decimal number (like "299.00")'],
    ['', '"" is not a plain decimal number (like "299.00")'],
    [' 1', '" 1" is not a plain decimal number (like "299.00")'],
    ['1 ', '"1 " is not a plain decimal number (like "299.00")'],
    ['+1', '"+1" is not a plain decimal number (like "299.00")'],
    ['1.', '"1." is not a plain decimal number (like "299.00")'],
    ['.5', '".5" is not a plain decimal number (like "299.00")'],
    ['1,00', '"1,00" is not a plain decimal number (like "299.00")'],
    ['0x10', '"0x10" is not a plain decimal number (like "299.00")'],
    ['١٢', '"١٢" is not a plain decimal number (like "299.00")'],
    ['Infinity', '"Infinity" is not a plain decimal number (like "299.00")'],
    ['90071992547409.92', '"90071992547409.92" is too large (the limit is 90071992547409.91)'],
    ['99999999999999999999999', '"99999999999999999999999" is too large (the limit is 90071992547409.91)'],
    [null, 'must be a decimal string or a number, got null'],
    [undefined, 'must be a decimal string or a number, got nothing'],
    [true, 'must be a decimal string or a number, got true'],
    [{ v: 1 }, 'must be a decimal string or a number, got {"v":1}'],
    [1e20, '100000000000000000000 is too large (the limit is 90071992547409.91)'],
  ])('refuses %j: %s', (v, reason) => {
    expect(parseAmountCents(v)).toBeUndefined();
    expect(amountProblem(v)).toBe(reason);
  });

  it('refuses a bigint', () => {
    expect(parseAmountCents(10n)).toBeUndefined();
    expect(amountProblem(10n)).toBe('must be a decimal string or a number, got 10n');
  });

  it('has no problem for a good amount', () => {
    expect(amountProblem('1.50')).toBeUndefined();
  });

  it('shortens a huge string in the reason', () => {
    const reason = amountProblem('1.' + '0'.repeat(100))!;
    expect(reason.length).toBeLessThan(80);
    expect(reason).toMatch(/has more than 2 decimals$/);
  });

  it('agrees with a BigInt reference on random decimal-ish strings', () => {
    const reference = (t: string): number | undefined => {
      const m = /^(?:(-)0+(?:\.0{1,2})?|([0-9]+)(?:\.([0-9]{1,2}))?)$/.exec(t);
      if (!m) return undefined;
      if (m[1]) return 0;
      const cents = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
      return cents <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cents) : undefined;
    };
    const text = fc.string({ unit: fc.constantFrom('0', '1', '9', '5', '.', '-', 'e', ' '), maxLength: 22 });
    const digits = fc.tuple(fc.stringMatching(/^[0-9]{1,19}$/), fc.stringMatching(/^(\.[0-9]{0,3})?$/)).map(([a, b]) => a + b);
    fc.assert(fc.property(fc.oneof(text, digits), (t) => parseAmountCents(t) === reference(t)), { numRuns: 20000 });
  });
});
