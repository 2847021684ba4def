import type { AttrNode } from './node.js';
import { checkAttributeNames, leafText, misplaced, rejectText, requireAttribute } from '../../query/element-rules.js';
import { parseFiniteDecimal } from '../../query/numbers.js';
import { queryError } from '../../query/query-error.js';
import type { XmlElement } from '../../query/xml-tree.js';

/** `<attr>`: a customer attribute test by equality, numeric range and/or existence. */

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;
type RangeKey = (typeof RANGE_KEYS)[number];
const ATTR_ATTRIBUTES = ['name', 'eq', ...RANGE_KEYS, 'exists'];

export function readAttr(el: XmlElement): AttrNode {
  checkAttributeNames(el, ATTR_ATTRIBUTES);
  const name = requireAttribute(el, 'name');
  rejectText(el);
  const eq = readEq(el);
  const range = readRange(el);
  const exists = readExists(el);
  if (eq === undefined && range === undefined && exists === undefined) {
    throw queryError('E_MISSING_ATTRIBUTE', `<attr name="${name}"> has no test`, el.pos, 'add eq="...", <value> children, gt/gte/lt/lte or exists="true|false"');
  }
  return {
    kind: 'attr',
    name,
    ...(eq !== undefined ? { eq } : {}),
    ...(range !== undefined ? { range } : {}),
    ...(exists !== undefined ? { exists } : {}),
    pos: el.pos,
  };
}

/** `eq="x"` or `<value>` children (any-of, as written, duplicates dropped). */
function readEq(el: XmlElement): string[] | undefined {
  const values: string[] = [];
  for (const child of el.children) {
    if (child.name !== 'value') throw misplaced(child, el, ['value']);
    const value = leafText(child);
    if (!values.includes(value)) values.push(value);
  }
  const attr = el.attrs.get('eq');
  if (attr !== undefined && el.children.length > 0) {
    throw queryError('E_CONFLICT', '<attr> has both an eq attribute and <value> children', el.pos, 'use eq="..." for one value or <value> children for several, not both');
  }
  if (attr !== undefined) return [attr];
  return values.length > 0 ? values : undefined;
}

function readRange(el: XmlElement): Partial<Record<RangeKey, number>> | undefined {
  // The contract makes comparisons combinable; gt with gte (or lt with lte) simply must all hold.
  const range: Partial<Record<RangeKey, number>> = {};
  let any = false;
  for (const key of RANGE_KEYS) {
    const text = el.attrs.get(key);
    if (text === undefined) continue;
    const value = parseFiniteDecimal(text);
    if (value === undefined) {
      throw queryError('E_BAD_NUMBER', `${key}="${text}" is not a number`, el.pos, 'write a finite decimal number such as 18, -2.5 or 1e6, without spaces');
    }
    range[key] = value;
    any = true;
  }
  return any ? range : undefined;
}

function readExists(el: XmlElement): boolean | undefined {
  const text = el.attrs.get('exists');
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') {
    throw queryError('E_BAD_VALUE', `exists="${text}" must be "true" or "false"`, el.pos, 'write exists="true" or exists="false"');
  }
  return text === 'true';
}
