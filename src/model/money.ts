/**
 * Money is kept exactly, as integer cents (fen). Parsing works on the decimal
 * digits, never by multiplying a float, so "0.29" is 29 cents and not 28.999...
 */
const DECIMAL = /^(0|[1-9][0-9]*|[0-9]+)(?:\.([0-9]{1,2}))?$/;

/**
 * A non-negative amount with at most 2 decimals, from a decimal string
 * ("299.00", "5", "0.5") or a JS number (299, 0.5), as integer cents.
 * Undefined when malformed, negative, over 2 decimals or beyond 2^53 cents.
 */
export function parseAmountCents(v: unknown): number | undefined {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return undefined;
    text = Object.is(v, -0) ? '0' : String(v); // shortest round-trip form; exponents fail the pattern
  } else if (typeof v === 'string') {
    text = v;
  } else {
    return undefined;
  }
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}
