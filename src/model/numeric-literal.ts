/**
 * A finite decimal number as written in queries and compared with numeric
 * attributes: optional minus, digits, optional fraction, optional exponent
 * (`31`, `-2.5`, `1e3`); no spaces, no plus sign, no hex. `-0` reads as 0.
 */
const NUMERIC_LITERAL = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

export function parseNumericLiteral(text: string): number | undefined {
  if (!NUMERIC_LITERAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value + 0 : undefined;
}
