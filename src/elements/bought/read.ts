import type { BoughtNode } from './node.js';
import { ORDER_DIMENSIONS, type DimensionField } from '../../model/order-dimensions.js';
import { checkAttributeNames, leafText, misplaced, rejectText } from '../../query/element-rules.js';
import { MAX_COUNT, parseAmountCents, parseCount } from '../../query/numbers.js';
import { queryError } from '../../query/query-error.js';
import { readWindow } from '../../query/read-window.js';
import type { XmlElement } from '../../query/xml-tree.js';

/** Line filters: an attribute gives one value, child elements an any-of list. */
const FILTERS = ORDER_DIMENSIONS;
const FILTER_NAMES = FILTERS.map((f) => f.name);

const BOUGHT_ATTRIBUTES = [...FILTER_NAMES, 'from', 'to', 'last', 'minCount', 'maxCount', 'minAmount', 'maxAmount'];

type Filters = { -readonly [K in DimensionField]?: string[] };

export function readBought(el: XmlElement): BoughtNode {
  checkAttributeNames(el, BOUGHT_ATTRIBUTES);
  rejectText(el);
  const filters = readFilters(el);
  const window = readWindow(el);
  const { minCount, maxCount } = readCounts(el);
  const { minAmountCents, maxAmountCents } = readAmounts(el);
  return {
    kind: 'bought',
    ...filters,
    window,
    minCount,
    ...(maxCount !== undefined ? { maxCount } : {}),
    ...(minAmountCents !== undefined ? { minAmountCents } : {}),
    ...(maxAmountCents !== undefined ? { maxAmountCents } : {}),
    pos: el.pos,
  };
}

function readFilters(el: XmlElement): Filters {
  const lists = new Map<string, string[]>();
  for (const child of el.children) {
    if (!FILTER_NAMES.includes(child.name as (typeof FILTER_NAMES)[number])) throw misplaced(child, el, FILTER_NAMES);
    const value = leafText(child);
    const list = lists.get(child.name) ?? [];
    if (!list.includes(value)) list.push(value); // any-of: duplicates add nothing
    lists.set(child.name, list);
  }

  const filters: Filters = {};
  for (const { name, field } of FILTERS) {
    const attr = el.attrs.get(name);
    const list = lists.get(name);
    if (attr !== undefined && list !== undefined) {
      throw queryError('E_CONFLICT', `<bought> has both a ${name} attribute and <${name}> children`, el.pos, `use ${name}="..." for one value or <${name}> children for several, not both`);
    }
    const values = attr !== undefined ? [attr] : list;
    if (values !== undefined) filters[field] = values;
  }
  return filters;
}

function readCounts(el: XmlElement): { minCount: number; maxCount?: number } {
  const minText = el.attrs.get('minCount');
  const maxText = el.attrs.get('maxCount');
  const minCount = minText === undefined ? 1 : parseCount(minText);
  if (minCount === undefined || minCount < 1) {
    throw queryError('E_BAD_NUMBER', `minCount="${minText}" is not a whole number from 1 to ${MAX_COUNT}`, el.pos, 'write minCount as plain digits, at least 1 (leave it out for 1)');
  }
  if (maxText === undefined) return { minCount };
  const maxCount = parseCount(maxText);
  if (maxCount === undefined) {
    throw queryError('E_BAD_NUMBER', `maxCount="${maxText}" is not a whole number from 0 to ${MAX_COUNT}`, el.pos, 'write maxCount as plain digits');
  }
  if (maxCount < minCount) {
    throw queryError('E_BAD_NUMBER', `maxCount="${maxText}" is less than minCount (${minCount})`, el.pos, 'make maxCount at least minCount; to find customers who did not buy, use <not>');
  }
  return { minCount, maxCount };
}

function readAmounts(el: XmlElement): { minAmountCents?: number; maxAmountCents?: number } {
  const min = readAmount(el, 'minAmount');
  const max = readAmount(el, 'maxAmount');
  if (min !== undefined && max !== undefined && min > max) {
    throw queryError('E_BAD_NUMBER', `minAmount="${el.attrs.get('minAmount')}" is more than maxAmount="${el.attrs.get('maxAmount')}"`, el.pos, 'make minAmount at most maxAmount');
  }
  return { ...(min !== undefined ? { minAmountCents: min } : {}), ...(max !== undefined ? { maxAmountCents: max } : {}) };
}

function readAmount(el: XmlElement, attr: 'minAmount' | 'maxAmount'): number | undefined {
  const text = el.attrs.get(attr);
  if (text === undefined) return undefined;
  const cents = parseAmountCents(text);
  if (cents === undefined) {
    throw queryError('E_BAD_NUMBER', `${attr}="${text}" is not an amount`, el.pos, 'write a decimal >= 0 with at most 2 decimals and no sign or exponent, e.g. 299.50');
  }
  return cents;
}
