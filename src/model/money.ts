/**
 * Money is kept exactly, as integer cents (fen). Parsing works on the decimal
 * digits, never by multiplying a float: "0.29" is 29 cents, not 28.999...
 * A JS number is first written in its shortest round-trip form (`String(n)`),
 * so 0.29 reads as "0.29" and 2.125 as "2.125" (refused: 3 decimals).
 */

/** Plain decimal text: digits, optionally a point and digits. No sign, exponent or spaces. */
const PLAIN_DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;
/** "-0", "-0.00": zero written with a sign is still zero. */
const NEGATIVE_ZERO = /^-0+(?:\.0{1,2})?$/;

type Parsed = { cents: number } | { problem: string };

/**
 * A non-negative amount with at most 2 decimals, from a decimal string
 * ("299.00", "5", "0.5") or a JS number (299, 0.5), as integer cents.
 * Undefined when malformed, negative, over 2 decimals or beyond 2^53-1 cents.
 */
export function parseAmountCents(v: unknown): number | undefined {
  // hot path of every ingested line: the usual forms without allocating
  const fast = typeof v === 'string' ? fastCents(v) : typeof v === 'number' && v > 0 ? fastCents(String(v)) : undefined;
  if (fast !== undefined) return fast;
  const r = parse(v);
  return 'cents' in r ? r.cents : undefined;
}

/**
 * Why `v` is not an amount (`"1.005" has more than 2 decimals`), or undefined
 * when it is one. The value is quoted as written, for error messages.
 */
export function amountProblem(v: unknown): string | undefined {
  const r = parse(v);
  return 'problem' in r ? r.problem : undefined;
}

function parse(v: unknown): Parsed {
  let text: string;
  let shown: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { problem: `${String(v)} is not a finite number` };
    if (Object.is(v, -0)) return { cents: 0 };
    if (v < 0) return { problem: `${String(v)} is negative` };
    text = String(v);
    shown = text;
    if (text.includes('e')) {
      // String() switches to exponent form below 1e-6 and from 1e21 on
      return { problem: v >= 1 ? `${shown} is too large` : `${shown} has more than 2 decimals` };
    }
  } else if (typeof v === 'string') {
    text = v;
    shown = JSON.stringify(v);
    if (shown.length > 40) shown = shown.slice(0, 36) + '..."';
    if (NEGATIVE_ZERO.test(text)) return { cents: 0 };
  } else {
    return { problem: `must be a decimal string or a number, got ${describe(v)}` };
  }
  const m = PLAIN_DECIMAL.exec(text);
  if (!m) {
    if (/^-\s*[0-9.]/.test(text)) return { problem: `${shown} is negative` };
    return { problem: `${shown} is not a plain decimal number (like "299.00")` };
  }
  const frac = m[2] ?? '';
  if (frac.length > 2) return { problem: `${shown} has more than 2 decimals` };
  // integer cents as a digit string: integer part then exactly two decimals
  const digits = (m[1]! + frac.padEnd(2, '0')).replace(/^0+(?=[0-9])/, '');
  // up to 16 digits Number() is exact below 2^53; longer is surely too large
  const cents = digits.length <= 16 ? Number(digits) : Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(cents)) return { problem: `${shown} is too large (the limit is 90071992547409.91)` };
  return { cents };
}

/**
 * The common case ("299.00", "5", "0.5") without regexes or allocation;
 * undefined sends anything unusual, or too large, to the full parse.
 * Integer arithmetic is exact below 2^53, and rounding above it never lands
 * back below, so the safe-integer test is exact.
 */
function fastCents(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 20) return undefined;
  let cents = 0;
  let i = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    cents = cents * 10 + d;
  }
  if (i === 0) return undefined;
  let decimals = 0;
  if (i < n) {
    if (s.charCodeAt(i) !== 46 /* . */) return undefined;
    decimals = n - i - 1;
    if (decimals < 1 || decimals > 2) return undefined;
    for (let j = i + 1; j < n; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) return undefined;
      cents = cents * 10 + d;
    }
  }
  cents *= decimals === 0 ? 100 : decimals === 1 ? 10 : 1;
  return Number.isSafeInteger(cents) ? cents : undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
