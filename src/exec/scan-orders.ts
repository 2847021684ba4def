import { Bitmap } from '../index/bitmap.js';
import type { BoughtTask } from './bought-task.js';
import type { Scratch } from './scratch.js';

/**
 * A `<bought>` without a sku or category filter counts whole orders (the
 * shop is the order's), so it scans time-ordered order ordinals (of its
 * shops, or all) instead of line rows, with each order's amount
 * precomputed: no line is read.
 *
 * Either the slices hold the orders inside the window (counted up), or, for
 * an unfiltered `<bought>` whose window holds most orders, the orders
 * outside it, subtracted from each customer's alive totals
 * (`task.complement`). Both give every customer's count of alive orders in
 * the window and the sum of their amounts.
 */
export function scanOrders(task: BoughtTask, scratch: Scratch): Bitmap {
  if (task.existence && !task.complement) return existenceScan(task, scratch);
  scratch.ensureCustomers(task.customerCount);
  const { orderAlive, orderCustomer, orderAmount, candidates } = task;
  for (const { rows, start, end, customers, amounts } of task.slices) {
    // ordered slices carry customer and amount in posting order (sequential reads, order-posting.ts)
    for (let i = start; i < end; i++) {
      const order = rows[i]!;
      if (orderAlive[order] === 0) continue;
      const c = customers ? customers[i]! : orderCustomer[order]!;
      // not a candidate: skipped before its counter is touched (a cache miss each)
      if (candidates !== undefined && (candidates[c >>> 5]! & (1 << (c & 31))) === 0) continue;
      scratch.add(c, true, amounts ? amounts[i]! : orderAmount[order]!);
    }
  }
  scratch.finish();
  const limits = thresholds(task);
  const hits = task.complement
    ? complementHits(task.complement, task.customerCount, scratch, limits, candidates)
    : windowHits(scratch, limits);
  scratch.reset();
  const result = new Bitmap();
  result.addMany(hits);
  return result;
}

/**
 * Existence only: mark each customer with an alive order in the window (a
 * bit each: no counting, no sums), then collect the marks in customer order,
 * so the bitmap is built from sorted ids.
 */
function existenceScan(task: BoughtTask, scratch: Scratch): Bitmap {
  const { orderAlive, orderCustomer, candidates } = task;
  scratch.ensureMarks(task.customerCount);
  for (const { rows, start, end, customers } of task.slices) {
    for (let i = start; i < end; i++) {
      const order = rows[i]!;
      if (orderAlive[order] === 0) continue;
      const c = customers ? customers[i]! : orderCustomer[order]!;
      if (candidates === undefined || (candidates[c >>> 5]! & (1 << (c & 31))) !== 0) scratch.mark(c);
    }
  }
  const result = new Bitmap();
  result.addMany(scratch.takeMarks());
  return result;
}

/** Inclusive count and cents bounds (no bound: infinite), as plain numbers for the hot loops. */
interface Thresholds {
  minCount: number;
  maxCount: number;
  minCents: number;
  maxCents: number;
}

function thresholds(task: BoughtTask): Thresholds {
  return {
    minCount: Math.max(1, task.minCount),
    maxCount: task.maxCount ?? Number.POSITIVE_INFINITY,
    minCents: task.minAmountCents ?? Number.NEGATIVE_INFINITY,
    maxCents: task.maxAmountCents ?? Number.POSITIVE_INFINITY,
  };
}

/** Customers whose in-window count and sum (counted up in scratch) pass the thresholds. */
function windowHits(scratch: Scratch, t: Thresholds): Uint32Array {
  const { acc, touched, touchedCount } = scratch;
  const { minCount, maxCount, minCents, maxCents } = t;
  const hits = scratch.ensureHits(touchedCount);
  let h = 0;
  for (let i = 0; i < touchedCount; i++) {
    const c = touched[i]!;
    const count = acc[2 * c]!, sum = acc[2 * c + 1]!;
    if (count >= minCount && count <= maxCount && sum >= minCents && sum <= maxCents) hits[h++] = c;
  }
  return hits.subarray(0, h);
}

/**
 * Customers whose totals minus the outside orders (in scratch) pass the
 * thresholds, ascending: every customer, or only the candidates. This pass
 * reads every customer, so it reads as little as it can, 32 customers at a
 * time: acc only where one had an outside order (a bit each, instead of 16
 * bytes of acc), the cents only when a bound needs them. At 300M lines it
 * is bound by memory (~3 GB/s here).
 */
function complementHits(
  totals: NonNullable<BoughtTask['complement']>,
  customerCount: number,
  scratch: Scratch,
  t: Thresholds,
  candidates: Int32Array | undefined,
): Uint32Array {
  const { orders, cents } = totals;
  const { acc } = scratch;
  const { minCount, maxCount, minCents, maxCents } = t;
  const needCents = minCents !== Number.NEGATIVE_INFINITY || maxCents !== Number.POSITIVE_INFINITY;
  // customers past the totals' length have no orders
  const n = Math.min(customerCount, orders.length);
  const hits = scratch.ensureHits(n);
  const outside = scratch.markTouched(n);
  let h = 0;
  for (let w = 0, words = (n + 31) >>> 5; w < words; w++) {
    const wanted = candidates === undefined ? -1 : (candidates[w] ?? 0);
    if (wanted === 0) continue;
    const had = outside[w]!;
    const base = w << 5, end = Math.min(base + 32, n);
    if (wanted === -1 && had === 0 && !needCents) {
      // the common case of a count-only bound: totals alone
      for (let c = base; c < end; c++) {
        const count = orders[c]!;
        if (count >= minCount && count <= maxCount) hits[h++] = c;
      }
      continue;
    }
    for (let c = base; c < end; c++) {
      const bit = 1 << (c & 31);
      if ((wanted & bit) === 0) continue;
      const outsideToo = (had & bit) !== 0;
      const count = outsideToo ? orders[c]! - acc[2 * c]! : orders[c]!;
      if (count < minCount || count > maxCount) continue;
      if (!needCents) {
        hits[h++] = c;
        continue;
      }
      const sum = outsideToo ? cents[c]! - acc[2 * c + 1]! : cents[c]!;
      if (sum >= minCents && sum <= maxCents) hits[h++] = c;
    }
  }
  scratch.unmarkTouched();
  return hits.subarray(0, h);
}
