import { firstLine } from '../exec/sum-quantities.js';
import { TUNING } from '../model/defaults.js';
import type { Shard } from '../store/shard.js';
import type { OrderDimensionField } from './dimension.js';
import { DistinctPairs } from './distinct-pairs.js';

/**
 * Per value id of an order dimension (the store-wide dictionary's id, so
 * shards add up by index): members with a counting line of the value in
 * the window, distinct such orders, and the sum of those lines' cents.
 */
export interface OrderCounts {
  customers: Float64Array;
  orders: Float64Array;
  cents: Float64Array;
}

export function emptyOrderCounts(values: number): OrderCounts {
  return { customers: new Float64Array(values), orders: new Float64Array(values), cents: new Float64Array(values) };
}

/** Orders handled between two chances to pause. */
const ORDERS_PER_STEP = 16_384;

/**
 * Adds one shard's members into `into` for every value of `field`, from the
 * time-ordered posting of all orders: the orders in [lo, hi] are one binary
 * search away (and with their customers copied alongside, one sequential
 * read). An order is kept when it counts (not refunded) and its customer is
 * a member (`isMember`, a byte per shard-local customer); then its shop, or
 * each of its lines (contiguous rows, found from the previous order's end or
 * by a binary search on lineOrder), adds to its value's amount, and to its
 * orders the first time the order has the value. Distinct customers per
 * value: a bit per (customer, value) when that matrix is small (shops,
 * categories), else the (value, customer) pairs grouped by value afterwards
 * (distinct-pairs.ts). Yields every ORDERS_PER_STEP orders.
 */
export function* addOrderCounts(
  shard: Shard, field: OrderDimensionField, lo: number, hi: number, isMember: Uint8Array, into: OrderCounts,
  matrixBytes: number = TUNING.PORTRAIT_MATRIX_BYTES,
): Generator<void, void> {
  if (lo > hi || shard.orderCount === 0) return;
  const values = into.customers.length;
  const customerCount = shard.customerCount;
  const byOrder = field === 'shop';
  const alive = shard.orderAlive.data, orderCustomer = shard.orderCustomer.data, orderShop = shard.orderShop.data, orderAmount = shard.orderAmount.data;
  const lineOrder = shard.lineOrder.data, lineAmount = shard.lineAmount.data, lineCount = shard.lineCount;
  const lineValue = field === 'sku' ? shard.lineSku.data : shard.lineCategory.data;
  const customersOut = into.customers, ordersOut = into.orders, centsOut = into.cents;
  /** per value: the last order counted for it (an order's lines are contiguous, so this dedupes orders) */
  const lastOrder = new Int32Array(values).fill(-1);
  const stride = (values + 7) >>> 3;
  const matrix = stride * customerCount <= matrixBytes ? new Uint8Array(stride * customerCount) : undefined;
  const pairs = matrix ? undefined : new DistinctPairs(values);

  // (the per-value work is written out in both loops: a shared closure was not inlined and cost a third of the time)
  const { inside } = shard.allOrders.split(lo, hi, shard.orderColumns);
  let handled = 0, prevOrder = -2, prevEnd = 0;
  for (const slice of inside) {
    const rows = slice.rows, customers = slice.customers;
    for (let i = slice.start; i < slice.end; i++) {
      const o = rows[i]!;
      if (alive[o] === 0) continue;
      const c = customers ? customers[i]! : orderCustomer[o]!;
      if (isMember[c] !== 1) continue;
      if (byOrder) {
        // a shop posting holds each order once: a new order for its value every time
        const v = orderShop[o]!;
        centsOut[v]! += orderAmount[o]!;
        ordersOut[v]!++;
        if (matrix) {
          const at = c * stride + (v >>> 3), bit = 1 << (v & 7);
          if ((matrix[at]! & bit) === 0) {
            matrix[at]! |= bit;
            customersOut[v]!++;
          }
        } else pairs!.add(v, c);
      } else {
        let row = o === prevOrder + 1 ? prevEnd : o > prevOrder ? firstLineAfter(lineOrder, lineCount, o, prevEnd) : firstLine(lineOrder, lineCount, o);
        for (; row < lineCount && lineOrder[row] === o; row++) {
          const v = lineValue[row]!;
          centsOut[v]! += lineAmount[row]!;
          if (lastOrder[v] === o) continue; // another line of this order with the same value
          lastOrder[v] = o;
          ordersOut[v]!++;
          if (matrix) {
            const at = c * stride + (v >>> 3), bit = 1 << (v & 7);
            if ((matrix[at]! & bit) === 0) {
              matrix[at]! |= bit;
              customersOut[v]!++;
            }
          } else pairs!.add(v, c);
        }
        prevOrder = o;
        prevEnd = row;
      }
      if (++handled % ORDERS_PER_STEP === 0) yield;
    }
  }
  if (pairs) {
    yield;
    pairs.addDistinctCounts(customerCount, customersOut);
  }
}

/**
 * The first line row of `order`, known to be at or after row `from`
 * (lineOrder ascends): a galloping search from `from`, a few steps when the
 * order is a few ordinals past the last one handled (time-ordered data and
 * a segment that skips some orders), instead of a binary search over every line.
 */
export function firstLineAfter(lineOrder: Uint32Array, lineCount: number, order: number, from: number): number {
  let lo = from, step = 1, hi = from;
  while (hi < lineCount && lineOrder[hi]! < order) {
    lo = hi + 1;
    hi = from + step;
    step *= 2;
  }
  if (hi > lineCount) hi = lineCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineOrder[mid]! < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
