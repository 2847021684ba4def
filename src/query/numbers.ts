/**
 * Number formats of the query language. Each parser returns undefined for
 * anything malformed or out of range; the caller turns that into an error
 * that names the attribute. Formats are strict: no sign where none is
 * allowed, no spaces, no exponents, and money never goes through floats.
 */

import { parseAmountCents as parseRecordAmountCents } from '../model/money.js';
import { parseNumericLiteral } from '../model/numeric-literal.js';

/** Largest count we accept: counts are compared against 32-bit order counts. */
export const MAX_COUNT = 2 ** 31 - 1;

/** `minCount`/`maxCount`: plain decimal digits, 0 .. MAX_COUNT. */
export function parseCount(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_COUNT ? value : undefined;
}

/**
 * `minAmount`/`maxAmount`: yuan with at most 2 decimals, as exact integer
 * cents. Stricter in form than record amounts (no signed zero), same money
 * arithmetic (src/model/money.ts).
 */
export function parseAmountCents(text: string): number | undefined {
  return /^[0-9]+(?:\.[0-9]{1,2})?$/.test(text) ? parseRecordAmountCents(text) : undefined;
}

/** `gt`/`gte`/`lt`/`lte`: a finite decimal number, optionally negative or in e-notation. */
export const parseFiniteDecimal = parseNumericLiteral;
