import type { BoughtNode } from './node.js';
import { checkAttributeNames, rejectText } from '../../query/element-rules.js';
import { MAX_COUNT, parseAmountCents, parseCount } from '../../query/numbers.js';
import { queryError } from '../../query/query-error.js';
import { FILTER_NAMES, readFilters } from '../../query/read-filters.js';
import { readWindow } from '../../query/read-window.js';
import type { XmlElement } from '../../query/xml-tree.js';

const BOUGHT_ATTRIBUTES = [...FILTER_NAMES, 'from', 'to', 'last', 'minCount', 'maxCount', 'minAmount', 'maxAmount', 'minQuantity', 'maxQuantity'];

export function readBought(el: XmlElement): BoughtNode {
  checkAttributeNames(el, BOUGHT_ATTRIBUTES);
  rejectText(el);
  const filters = readFilters(el);
  const window = readWindow(el);
  const { minCount, maxCount } = readCounts(el);
  const { minAmountCents, maxAmountCents } = readAmounts(el);
  const { minQuantity, maxQuantity } = readQuantities(el);
  return {
    kind: 'bought',
    ...filters,
    window,
    minCount,
    ...(maxCount !== undefined ? { maxCount } : {}),
    ...(minAmountCents !== undefined ? { minAmountCents } : {}),
    ...(maxAmountCents !== undefined ? { maxAmountCents } : {}),
    ...(minQuantity !== undefined ? { minQuantity } : {}),
    ...(maxQuantity !== undefined ? { maxQuantity } : {}),
    pos: el.pos,
  };
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

/** `minQuantity`/`maxQuantity` (contract 7.2): whole numbers >= 1, min at most max. */
function readQuantities(el: XmlElement): { minQuantity?: number; maxQuantity?: number } {
  const min = readQuantity(el, 'minQuantity');
  const max = readQuantity(el, 'maxQuantity');
  if (min !== undefined && max !== undefined && min > max) {
    throw queryError('E_BAD_NUMBER', `minQuantity="${el.attrs.get('minQuantity')}" is more than maxQuantity="${el.attrs.get('maxQuantity')}"`, el.pos, 'make minQuantity at most maxQuantity');
  }
  return { ...(min !== undefined ? { minQuantity: min } : {}), ...(max !== undefined ? { maxQuantity: max } : {}) };
}

function readQuantity(el: XmlElement, attr: 'minQuantity' | 'maxQuantity'): number | undefined {
  const text = el.attrs.get(attr);
  if (text === undefined) return undefined;
  const quantity = parseCount(text);
  if (quantity === undefined || quantity < 1) {
    throw queryError('E_BAD_NUMBER', `${attr}="${text}" is not a whole number from 1 to ${MAX_COUNT}`, el.pos, `write ${attr} as plain digits, at least 1 (the sum of the quantities of the matching lines)`);
  }
  return quantity;
}
