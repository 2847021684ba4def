import { checkAttributeNames, rejectContent, requireAttribute } from '../../query/element-rules.js';
import { queryError } from '../../query/query-error.js';
import type { XmlElement } from '../../query/xml-tree.js';
import type { SampleNode } from './node.js';

/** `<sample seed="S" from="P1" to="P2"/>` (contract 7.6). */
export function readSample(el: XmlElement): SampleNode {
  checkAttributeNames(el, ['seed', 'from', 'to']);
  rejectContent(el);
  const seed = requireAttribute(el, 'seed');
  if (seed === '') {
    throw queryError('E_BAD_VALUE', '<sample> has an empty seed', el.pos, 'write a non-empty seed, e.g. seed="spring-24"; the same seed always gives the same groups');
  }
  const fromBucket = percent(el, 'from');
  const toBucket = percent(el, 'to');
  if (fromBucket >= toBucket) {
    throw queryError('E_BAD_NUMBER', `from="${el.attrs.get('from')}" is not below to="${el.attrs.get('to')}"`, el.pos,
      'make from less than to: <sample> takes the customers from P1% (inclusive) to P2% (exclusive) of the buckets');
  }
  return { kind: 'sample', seed, fromBucket, toBucket, pos: el.pos };
}

/** A percentage 0..100 with at most 2 decimals, as an exact integer of hundredths (no floating point). */
export function parsePercentHundredths(text: string): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const whole = m[1]!.replace(/^0+(?=[0-9])/, '');
  if (whole.length > 3) return undefined;
  const value = Number(whole) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return value <= 10000 ? value : undefined;
}

function percent(el: XmlElement, name: 'from' | 'to'): number {
  const text = requireAttribute(el, name);
  const value = parsePercentHundredths(text);
  if (value === undefined) {
    throw queryError('E_BAD_NUMBER', `${name}="${text}" is not a percentage from 0 to 100 with at most 2 decimals`, el.pos,
      `write ${name} as a plain decimal such as 10 or 12.5 (0 <= from < to <= 100, no sign, exponent or % sign)`);
  }
  return value;
}
