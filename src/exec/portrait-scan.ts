import type { NarrowData } from '../columns/growable.js';
import { TUNING } from '../model/defaults.js';
import { DistinctPairs } from './distinct-pairs.js';
import { firstLine } from './sum-quantities.js';

/**
 * One shard's scan for a portrait's order dimension (src/portrait/): plain
 * data over the shard's columns, so it runs on the calling thread or in a
 * query worker (exec/protocol.ts PortraitRequest) alike. The columns are
 * views of shared memory; `isMember` (a byte per shard-local customer) is
 * copied with the message.
 */
export interface PortraitScanTask {
  /** 'shop': each order counts for its shop; 'lines': each line for its `lineValue` (SKU or category id) */
  unit: 'shop' | 'lines';
  /** the orders in the window: ordinals in (ts, ordinal) order, with their customers alongside where the posting keeps them */
  slices: { rows: Uint32Array; start: number; end: number; customers?: Uint32Array }[];
  orderAlive: Uint8Array;
  orderCustomer: Uint32Array;
  orderShop: NarrowData;
  /** integer cents per order */
  orderAmount: NarrowData;
  /** ascending over the line rows 0..lineCount-1 (an order's lines are contiguous) */
  lineOrder: Uint32Array;
  lineCount: number;
  lineValue: NarrowData | Uint32Array;
  lineAmount: NarrowData;
  isMember: Uint8Array;
  customerCount: number;
  /** value ids are 0..values-1 (the store-wide dictionary's) */
  values: number;
  /** a bit per (customer, value) up to this many bytes, else (value, customer) pairs */
  matrixBytes: number;
}

/** Per value id: members with a counting line of the value, distinct such orders, and the sum of those lines' cents. */
export interface PortraitCounts {
  customers: Float64Array;
  orders: Float64Array;
  cents: Float64Array;
}

/** Orders of the window a task reads (the pool's size threshold). */
export function portraitScanOrders(task: PortraitScanTask): number {
  let n = 0;
  for (const s of task.slices) n += s.end - s.start;
  return n;
}

/** Posting positions (orders in the window) scanned between two chances to pause. */
const ORDERS_PER_STEP = TUNING.PORTRAIT_ORDERS_PER_STEP;

/**
 * The task's counts. An order is kept when it counts (not refunded) and
 * its customer is a member; then its shop, or each of its lines (contiguous
 * rows, found from the previous order's end), adds to its value's amount,
 * and to its orders the first time the order has the value. Distinct
 * customers per value: a bit per (customer, value) when that matrix is
 * small (shops, categories), else the (value, customer) pairs grouped by
 * value at the end (distinct-pairs.ts). Yields every ORDERS_PER_STEP orders.
 */
export function* scanPortraitOrders(task: PortraitScanTask): Generator<void, PortraitCounts> {
  const scan = new OrderScan(task);
  for (const slice of task.slices) {
    // the loops live in plain methods: a loop with a yield inside optimises worse
    for (let from = slice.start; from < slice.end; from += ORDERS_PER_STEP) {
      const to = Math.min(slice.end, from + ORDERS_PER_STEP);
      if (task.unit === 'shop') scan.shops(slice.rows, slice.customers, from, to);
      else scan.lines(slice.rows, slice.customers, from, to);
      yield;
    }
  }
  return scan.finish();
}

/** A task's scan to the end, at once (a worker: nothing to pause for). */
export function runPortraitScan(task: PortraitScanTask): PortraitCounts {
  const steps = scanPortraitOrders(task);
  let next = steps.next();
  while (!next.done) next = steps.next();
  return next.value;
}

/** One task's scan (see scanPortraitOrders). */
class OrderScan {
  private readonly counts: PortraitCounts;
  /** per value: the last order counted for it (an order's lines are contiguous, so this dedupes orders) */
  private readonly lastOrder: Int32Array;
  private readonly stride: number;
  private readonly matrix: Uint8Array | undefined;
  private readonly pairs: DistinctPairs | undefined;
  private prevOrder = -2;
  private prevEnd = 0;

  constructor(private readonly task: PortraitScanTask) {
    const values = task.values;
    this.counts = { customers: new Float64Array(values), orders: new Float64Array(values), cents: new Float64Array(values) };
    this.lastOrder = new Int32Array(values).fill(-1);
    this.stride = (values + 7) >>> 3;
    this.matrix = this.stride * task.customerCount <= task.matrixBytes ? new Uint8Array(this.stride * task.customerCount) : undefined;
    this.pairs = this.matrix ? undefined : new DistinctPairs(values);
  }

  /** Orders rows[from..to) by shop: every kept order is a new order for its value. */
  shops(rows: Uint32Array, customers: Uint32Array | undefined, from: number, to: number): void {
    const { matrix, stride, pairs } = this;
    const { orderAlive: alive, orderCustomer, isMember, orderShop, orderAmount } = this.task;
    const customersOut = this.counts.customers, ordersOut = this.counts.orders, centsOut = this.counts.cents;
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
    const { matrix, stride, pairs, lastOrder } = this;
    const { orderAlive: alive, orderCustomer, isMember, lineOrder, lineCount, lineValue, lineAmount } = this.task;
    const customersOut = this.counts.customers, ordersOut = this.counts.orders, centsOut = this.counts.cents;
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

  /** The counts, with distinct customers from the pairs when there was no matrix. */
  finish(): PortraitCounts {
    this.pairs?.addDistinctCounts(this.task.customerCount, this.counts.customers);
    return this.counts;
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
