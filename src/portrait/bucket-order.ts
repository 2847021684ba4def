import type { PortraitBucket } from './portrait-result.js';

/**
 * The order of a dimension's buckets (docs/portraits.md): most customers
 * first; ties by value, numbers (ascending) before strings (by UTF-16 code
 * units, as JavaScript compares them); `(none)` last whatever its size.
 */
export function byCustomersThenValue(a: PortraitBucket, b: PortraitBucket): number {
  if (a.none !== b.none) return a.none ? 1 : -1;
  if (a.customers !== b.customers) return b.customers - a.customers;
  return compareValues(a.value, b.value);
}

export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
