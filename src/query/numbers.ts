/**
 * Number formats of the query language. Each parser returns undefined for
 * anything malformed or out of range; the caller turns that into an error
 * that names the attribute. Formats are strict: no sign where none is
 * allowed, no spaces, no exponents, and money never goes through floats.
 */

/** Largest count we accept: counts are compared against 32-bit order counts. */
export const MAX_COUNT = 2 ** 31 - 1;

/** `minCount`/`maxCount`: plain decimal digits, 0 .. MAX_COUNT. */
export function parseCount(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_COUNT ? value : undefined;
}

/** `minAmount`/`maxAmount`: yuan with at most 2 decimals, as exact integer cents. */
export function parseAmountCents(text: string): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const cents = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return cents <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cents) : undefined;
}

/** `gt`/`gte`/`lt`/`lte`: a finite decimal number, optionally negative or in e-notation. */
export function parseFiniteDecimal(text: string): number | undefined {
  if (!/^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/.test(text)) return undefined;
  const value = Number(text);
  // `+ 0` turns -0 into 0, so "-0" and "0" mean the same bound.
  return Number.isFinite(value) ? value + 0 : undefined;
}
