import { checkAttributeNames, rejectText } from '../../query/element-rules.js';
import { queryError } from '../../query/query-error.js';
import { FILTER_NAMES, readFilters } from '../../query/read-filters.js';
import { readWindow } from '../../query/read-window.js';
import type { XmlElement } from '../../query/xml-tree.js';
import type { OrderEdgeNode } from './node.js';

const ATTRIBUTES = [...FILTER_NAMES, 'from', 'to', 'last'];

/** `<bought>`'s thresholds, refused here by name (the general message would only list what is allowed). */
const THRESHOLDS = ['minCount', 'maxCount', 'minAmount', 'maxAmount', 'minQuantity', 'maxQuantity'];

export function readOrderEdge<K extends 'firstOrder' | 'lastOrder'>(kind: K, el: XmlElement): OrderEdgeNode<K> {
  const threshold = THRESHOLDS.find((t) => el.attrs.has(t));
  if (threshold !== undefined) {
    throw queryError('E_UNKNOWN_ATTRIBUTE', `<${el.name}> takes no thresholds (found ${threshold})`, el.pos,
      `<${el.name}> looks at one order; to count or sum orders, put a <bought ${threshold}="..."/> beside it in an <and>`);
  }
  checkAttributeNames(el, ATTRIBUTES);
  rejectText(el);
  const filters = readFilters(el);
  return { kind, ...filters, window: readWindow(el), pos: el.pos };
}
