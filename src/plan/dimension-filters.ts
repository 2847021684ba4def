import { ORDER_DIMENSIONS, type DimensionFilters } from '../model/order-dimensions.js';

/** The value lists of a node that takes order filters (`<bought>`, `<firstOrder>`, ...), as plan fields. */
export function filtersOf(n: DimensionFilters): DimensionFilters {
  return Object.fromEntries(ORDER_DIMENSIONS.map((d) => [d.field, n[d.field]])) as DimensionFilters;
}

/** The filters' part of a plan key: sorted, deduplicated lists, `name=[...],` each; nothing for "any". */
export function filtersKey(n: DimensionFilters): string {
  return ORDER_DIMENSIONS.map((d) => listKey(d.name, n[d.field])).join('');
}

function listKey(name: string, values: readonly string[] | undefined): string {
  return values === undefined ? '' : `${name}=${JSON.stringify([...new Set(values)].sort())},`;
}

/** Explain's words for the filters: `sku in [A, B]`, one per filtered dimension. */
export function describeFilters(n: DimensionFilters): string[] {
  const parts: string[] = [];
  for (const d of ORDER_DIMENSIONS) {
    const values = n[d.field];
    if (values) parts.push(`${d.name} in [${values.join(', ')}]`);
  }
  return parts;
}
