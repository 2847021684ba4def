import { ORDER_DIMENSIONS, type DimensionField } from '../model/order-dimensions.js';
import { leafText, misplaced } from './element-rules.js';
import { queryError } from './query-error.js';
import type { XmlElement } from './xml-tree.js';

/**
 * The order filters of `<bought>` and of every element that takes its
 * filters (`<firstOrder>`, `<lastOrder>`): `sku`, `category`, `shop`, one
 * value as an attribute or an any-of list as child elements, never both.
 */
export const FILTER_NAMES = ORDER_DIMENSIONS.map((f) => f.name);

export type Filters = { -readonly [K in DimensionField]?: string[] };

/** The filters of `el`; its children must all be filter elements. */
export function readFilters(el: XmlElement): Filters {
  const lists = new Map<string, string[]>();
  for (const child of el.children) {
    if (!FILTER_NAMES.includes(child.name as (typeof FILTER_NAMES)[number])) throw misplaced(child, el, FILTER_NAMES);
    const value = leafText(child);
    const list = lists.get(child.name) ?? [];
    if (!list.includes(value)) list.push(value); // any-of: duplicates add nothing
    lists.set(child.name, list);
  }

  const filters: Filters = {};
  for (const { name, field } of ORDER_DIMENSIONS) {
    const attr = el.attrs.get(name);
    const list = lists.get(name);
    if (attr !== undefined && list !== undefined) {
      throw queryError('E_CONFLICT', `<${el.name}> has both a ${name} attribute and <${name}> children`, el.pos, `use ${name}="..." for one value or <${name}> children for several, not both`);
    }
    const values = attr !== undefined ? [attr] : list;
    if (values !== undefined) filters[field] = values;
  }
  return filters;
}
