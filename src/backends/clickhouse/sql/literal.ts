/**
 * Literals inlined into ClickHouse SQL. 18.16 has no query parameters
 * (`param_x` is unknown there), so every value the compiler sends is one of
 * these, never user text spliced in raw.
 */
import { fail } from '../../../model/errors.js';

/**
 * A ClickHouse string literal: single quotes, with backslash, quote, NUL and
 * the line-breaking and tab characters escaped (ClickHouse reads C-style
 * escapes in string literals). Every other character, Chinese included, is
 * sent as its UTF-8 bytes.
 */
export function stringLiteral(text: string): string {
  let out = "'";
  for (const ch of text) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case "'": out += "\\'"; break;
      case '\0': out += '\\0'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default: out += ch;
    }
  }
  return out + "'";
}

/**
 * An integer literal (epoch seconds, counts, cents, buckets). Only safe
 * integers: anything else is a bug in the caller.
 */
export function intLiteral(n: number): string {
  if (!Number.isSafeInteger(n)) throw fail.internal(`ClickHouse SQL: not a safe integer: ${n}`);
  return String(n);
}

/**
 * A finite number as a Float64 literal, exactly: JavaScript's shortest
 * round-trip digits, with an exponent added when there is none so that
 * ClickHouse parses it as a Float64 (its literal parser is exact; checked on
 * 3,000 random doubles) and never as an integer type that could overflow.
 */
export function floatLiteral(n: number): string {
  if (!Number.isFinite(n)) throw fail.internal(`ClickHouse SQL: not a finite number: ${n}`);
  if (n !== 0 && Math.abs(n) < MIN_NORMAL) {
    // 18.16's parser refuses subnormal literals (5e-324: a syntax error): the value from its bytes instead
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, n, true);
    return `reinterpretAsFloat64(unhex('${Buffer.from(view.buffer).toString('hex')}'))`;
  }
  const text = String(n + 0);
  return /[.eE]/.test(text) ? text : `${text}e0`;
}

/** The smallest positive normal binary64. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** `column = 'a'` or `column IN ('a', 'b')` for a non-empty list of strings (repeats dropped). */
export function inStrings(column: string, values: readonly string[]): string {
  const distinct = [...new Set(values)];
  if (distinct.length === 0) throw fail.internal('ClickHouse SQL: an empty IN list (ClickHouse 18.16 refuses IN ())');
  return distinct.length === 1 ? `${column} = ${stringLiteral(distinct[0]!)}` : `${column} IN (${distinct.map(stringLiteral).join(', ')})`;
}
