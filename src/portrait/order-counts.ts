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

/** Posting positions (orders in the window) scanned between two chances to pause. */
const ORDERS_PER_STEP = TUNING.PORTRAIT_ORDERS_PER_STEP;

/**
 * Adds one shard's members into `into` for every value of `field`, from the
 * time-ordered posting of all orders: the orders in [lo, hi] are one binary
 * search away (and with their customers copied alongside, one sequential
 * read). An order is kept when it counts (not refunded) and its customer is
 * a member (`isMember`, a byte per shard-local customer); then its shop, or
 * each of its lines (contiguous rows, found from the previous order's end),
 * adds to its value's amount, and to its orders the first time the order
 * has the value. Distinct customers per value: a bit per (customer, value)
 * when that matrix is small (shops, categories), else the (value, customer)
 * pairs grouped by value afterwards (distinct-pairs.ts). Yields every
 * ORDERS_PER_STEP orders of the window.
 */
export function* addOrderCounts(
  shard: Shard, field: OrderDimensionField, lo: number, hi: number, isMember: Uint8Array, into: OrderCounts,
  matrixBytes: number = TUNING.PORTRAIT_MATRIX_BYTES,
): Generator<void, void> {
  if (lo > hi || shard.orderCount === 0) return;
  const scan = new OrderScan(shard, field, isMember, into, matrixBytes);
  for (const slice of shard.allOrders.split(lo, hi, shard.orderColumns).inside) {
    // the loops live in plain methods: a loop with a yield inside optimises worse
    for (let from = slice.start; from < slice.end; from += ORDERS_PER_STEP) {
      const to = Math.min(slice.end, from + ORDERS_PER_STEP);
      if (field === 'shop') scan.shops(slice.rows, slice.customers, from, to);
      else scan.lines(slice.rows, slice.customers, from, to);
      yield;
    }
  }
  scan.finish();
}

/** One shard's scan of an order dimension (see addOrderCounts). */
class OrderScan {
  private readonly alive: Uint8Array;
  private readonly orderCustomer: Uint32Array;
  private readonly lineOrder: Uint32Array;
  private readonly lineCount: number;
  private readonly lineValue: ArrayLike<number>;
  /** per value: the last order counted for it (an order's lines are contiguous, so this dedupes orders) */
  private readonly lastOrder: Int32Array;
  private readonly stride: number;
  private readonly matrix: Uint8Array | undefined;
  private readonly pairs: DistinctPairs | undefined;
  private prevOrder = -2;
  private prevEnd = 0;

  constructor(private readonly shard: Shard, field: OrderDimensionField, private readonly isMember: Uint8Array, private readonly into: OrderCounts, matrixBytes: number) {
    const values = into.customers.length, customers = shard.customerCount;
    this.alive = shard.orderAlive.data;
    this.orderCustomer = shard.orderCustomer.data;
    this.lineOrder = shard.lineOrder.data;
    this.lineCount = shard.lineCount;
    this.lineValue = field === 'sku' ? shard.lineSku.data : shard.lineCategory.data;
    this.lastOrder = new Int32Array(values).fill(-1);
    this.stride = (values + 7) >>> 3;
    this.matrix = this.stride * customers <= matrixBytes ? new Uint8Array(this.stride * customers) : undefined;
    this.pairs = this.matrix ? undefined : new DistinctPairs(values);
  }

  /** Orders rows[from..to) by shop: a shop posting holds each order once, so every kept order is a new order for its value. */
  shops(rows: Uint32Array, customers: Uint32Array | undefined, from: number, to: number): void {
    const { alive, orderCustomer, isMember, matrix, stride, pairs } = this;
    const orderShop = this.shard.orderShop.data, orderAmount = this.shard.orderAmount.data;
    const customersOut = this.into.customers, ordersOut = this.into.orders, centsOut = this.into.cents;
    for (let i = from; i < to; i++) {
      const o = rows[i]!;
      if (alive[o] === 0) continue;
      const c = customers ? customers[i]! : orderCustomer[o]!;
      if (isMember[c] !== 1) continue;
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
    }
  }

  /** The lines of orders rows[from..to) by SKU or category. */
  lines(rows: Uint32Array, customers: Uint32Array | undefined, from: number, to: number): void {
    const { alive, orderCustomer, isMember, matrix, stride, pairs, lineOrder, lineCount, lineValue, lastOrder } = this;
    const lineAmount = this.shard.lineAmount.data;
    const customersOut = this.into.customers, ordersOut = this.into.orders, centsOut = this.into.cents;
    let prevOrder = this.prevOrder, prevEnd = this.prevEnd;
    for (let i = from; i < to; i++) {
      const o = rows[i]!;
      if (alive[o] === 0) continue;
      const c = customers ? customers[i]! : orderCustomer[o]!;
      if (isMember[c] !== 1) continue;
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
    this.prevOrder = prevOrder;
    this.prevEnd = prevEnd;
  }

  /** Distinct customers from the pairs, when there was no matrix. */
  finish(): void {
    this.pairs?.addDistinctCounts(this.shard.customerCount, this.into.customers);
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
