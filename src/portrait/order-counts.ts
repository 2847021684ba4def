import type { PortraitCounts, PortraitScanTask } from '../exec/portrait-scan.js';
import { TUNING } from '../model/defaults.js';
import type { Shard } from '../store/shard.js';
import type { OrderDimensionField } from './dimension.js';

/**
 * Per value id of an order dimension (the store-wide dictionary's id, so
 * shards add up by index): members with a counting line of the value in
 * the window, distinct such orders, and the sum of those lines' cents.
 */
export type OrderCounts = PortraitCounts;

export function emptyOrderCounts(values: number): OrderCounts {
  return { customers: new Float64Array(values), orders: new Float64Array(values), cents: new Float64Array(values) };
}

export function addCounts(into: OrderCounts, part: OrderCounts): void {
  for (let v = 0; v < into.customers.length; v++) {
    into.customers[v]! += part.customers[v]!;
    into.orders[v]! += part.orders[v]!;
    into.cents[v]! += part.cents[v]!;
  }
}

/**
 * One shard's scan of an order dimension (exec/portrait-scan.ts) over the
 * orders in [lo, hi]: the time-ordered posting of all orders gives them in
 * one binary search, with their customers alongside where the posting keeps
 * copies. Undefined when nothing can count (an empty window or shard).
 */
export function orderScanTask(
  shard: Shard, field: OrderDimensionField, lo: number, hi: number, isMember: Uint8Array, values: number,
  matrixBytes: number = TUNING.PORTRAIT_MATRIX_BYTES,
): PortraitScanTask | undefined {
  if (lo > hi || shard.orderCount === 0) return undefined;
  const slices = shard.allOrders.split(lo, hi, shard.orderColumns).inside
    .filter((s) => s.end > s.start)
    .map(({ rows, start, end, customers }) => ({ rows, start, end, ...(customers ? { customers } : {}) }));
  if (slices.length === 0) return undefined;
  return {
    unit: field === 'shop' ? 'shop' : 'lines',
    slices,
    orderAlive: shard.orderAlive.data,
    orderCustomer: shard.orderCustomer.data,
    orderShop: shard.orderShop.data,
    orderAmount: shard.orderAmount.data,
    lineOrder: shard.lineOrder.data,
    lineCount: shard.lineCount,
    lineValue: field === 'sku' ? shard.lineSku.data : shard.lineCategory.data,
    lineAmount: shard.lineAmount.data,
    isMember,
    customerCount: shard.customerCount,
    values,
    matrixBytes,
  };
}
