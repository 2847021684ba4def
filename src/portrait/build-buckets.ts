import type { Catalog } from '../store/catalog.js';
import type { AttrCounts } from './attr-counts.js';
import { byCustomersThenValue } from './bucket-order.js';
import type { OrderDimensionField } from './dimension.js';
import { formatCents } from './format-cents.js';
import type { OrderCounts } from './order-counts.js';
import { NONE_LABEL, type PortraitBucket } from './portrait-result.js';
import type { RangeCounts } from './range-counts.js';
import type { TagCounts } from './tag-counts.js';

/** The `(none)` bucket, when some member is in it. */
function none(customers: number): PortraitBucket[] {
  return customers > 0 ? [{ value: NONE_LABEL, none: true, customers }] : [];
}

export function attrBuckets(counts: AttrCounts): PortraitBucket[] {
  const out: PortraitBucket[] = [];
  for (const [value, customers] of counts.numbers) if (customers > 0) out.push({ value, customers });
  for (const [value, customers] of counts.strings) if (customers > 0) out.push({ value, customers });
  return [...out.sort(byCustomersThenValue), ...none(counts.none)];
}

/** Range buckets in range order, each labelled as the contract writes it: `< b1`, `[b1, b2)`, `>= bm`. */
export function rangeBuckets(counts: RangeCounts, bounds: readonly number[]): PortraitBucket[] {
  const out: PortraitBucket[] = [];
  counts.ranges.forEach((customers, i) => {
    if (customers === 0) return;
    const from = i > 0 ? bounds[i - 1] : undefined, to = i < bounds.length ? bounds[i] : undefined;
    const value = from === undefined ? `< ${to}` : to === undefined ? `>= ${from}` : `[${from}, ${to})`;
    out.push({ value, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), customers });
  });
  return [...out, ...none(counts.none)];
}

export function tagBuckets(counts: TagCounts, catalog: Catalog): PortraitBucket[] {
  const out: PortraitBucket[] = [];
  for (const [id, customers] of counts.byTag) if (customers > 0) out.push({ value: catalog.tags.value(id), customers });
  return [...out.sort(byCustomersThenValue), ...none(counts.none)];
}

export function orderBuckets(counts: OrderCounts, field: OrderDimensionField, catalog: Catalog): PortraitBucket[] {
  const dictionary = field === 'shop' ? catalog.shops : field === 'sku' ? catalog.skus : catalog.categories;
  const out: PortraitBucket[] = [];
  for (let v = 0; v < counts.customers.length; v++) {
    const customers = counts.customers[v]!;
    if (customers === 0) continue;
    out.push({ value: dictionary.value(v), customers, orders: counts.orders[v]!, amount: formatCents(counts.cents[v]!) });
  }
  return out.sort(byCustomersThenValue);
}
