import { parseNumericLiteral } from '../model/numeric-literal.js';
import type { PortraitBucket } from './portrait-result.js';
import { NONE_LABEL } from './portrait-result.js';

/**
 * A bucket's value as a person reads it in the table: numbers and plain
 * strings as they are; a string that could pass for something else (a
 * number, `(none)`, empty, spaces at either end, control characters) in
 * JSON quotes, so the number 31 and the string "31" stay apart.
 */
export function valueLabel(bucket: PortraitBucket): string {
  if (bucket.none) return NONE_LABEL;
  const v = bucket.value;
  if (typeof v === 'number') return String(v);
  const ambiguous = v === NONE_LABEL || v.length === 0 || v.trim() !== v || parseNumericLiteral(v) !== undefined || /[\u0000-\u001f\u007f"]/.test(v);
  return ambiguous ? JSON.stringify(v) : v;
}
