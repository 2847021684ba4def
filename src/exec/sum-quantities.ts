import { Bitmap } from '../index/bitmap.js';
import type { BoughtTask } from './bought-task.js';
import { forEachMatchingLine, isCandidate } from './row-filters.js';
import type { Scratch } from './scratch.js';
import { TUNING } from '../model/defaults.js';

/**
 * A `<bought>` with `minQuantity`/`maxQuantity` (contract 7.2): per
 * customer, the distinct matching orders, the sum of the matching lines'
 * amounts and the sum of their quantities, then every threshold (all
 * inclusive, all combinable). Never an existence test or a byte count, and
 * never the complement of totals (the totals hold no quantities).
 *
 * Line tasks (a sku or category filter) add each matching line's quantity;
 * order tasks (at most a shop filter: every line of an order matches) add
 * the order's lines' quantities: its lines are contiguous, right after the
 * previous order's in time-ordered data, else found by a binary search on
 * lineOrder (which ascends).
 */
export function sumQuantities(task: BoughtTask, scratch: Scratch): Bitmap {
  scratch.ensureCustomers(task.customerCount);
  const qty = scratch.quantities.ensure(task.customerCount);
  const { lineQuantity, lineAmount } = task;
  if (task.unit === 'lines') {
    forEachMatchingLine(task, scratch, (c, row, first) => {
      scratch.add(c, first, lineAmount[row]!);
      qty[c]! += lineQuantity[row]!;
    });
  } else {
    const { orderAlive, orderCustomer, orderAmount, candidates, lineOrder, lineCount } = task;
    let orders = 0;
    for (const s of task.slices) orders += s.end - s.start;
    if (orders * WIDE_ORDERS_PER_LINE >= lineCount) {
      // many orders: one sequential pass over the lines gives every order's quantity
      // (a lookup per order after it), where a search per order is a cache miss or more each
      const perOrder = scratch.quantities.ensureOrders(orderAlive.length);
      perOrder.fill(0);
      for (let row = 0; row < lineCount; row++) perOrder[lineOrder[row]!]! += lineQuantity[row]!;
      for (const { rows, start, end, customers, amounts } of task.slices) {
        for (let i = start; i < end; i++) {
          const order = rows[i]!;
          if (orderAlive[order] === 0) continue;
          const c = customers ? customers[i]! : orderCustomer[order]!;
          if (candidates !== undefined && !isCandidate(candidates, c)) continue;
          scratch.add(c, true, amounts ? amounts[i]! : orderAmount[order]!);
          qty[c]! += perOrder[order]!;
        }
      }
      return passing(task, scratch, qty);
    }
    // where the last order's lines ended: the next order in the slice is often the next ordinal (time order)
    let next = 0;
    for (const { rows, start, end, customers, amounts } of task.slices) {
      for (let i = start; i < end; i++) {
        const order = rows[i]!;
        if (orderAlive[order] === 0) continue;
        const c = customers ? customers[i]! : orderCustomer[order]!;
        if (candidates !== undefined && !isCandidate(candidates, c)) continue;
        scratch.add(c, true, amounts ? amounts[i]! : orderAmount[order]!);
        let row = next < lineCount && lineOrder[next] === order && (next === 0 || lineOrder[next - 1] !== order)
          ? next
          : firstLine(lineOrder, lineCount, order);
        let sum = 0;
        for (; row < lineCount && lineOrder[row] === order; row++) sum += lineQuantity[row]!;
        qty[c]! += sum;
        next = row;
      }
    }
  }
  return passing(task, scratch, qty);
}

/**
 * Orders in the slices per line of the shard above which the order path
 * sums every order's lines in one pass first (sequential) instead of
 * searching each order's lines.
 */
const WIDE_ORDERS_PER_LINE = TUNING.QUANTITY_WIDE_ORDERS_PER_LINE;

/** The touched customers whose count, cents and quantity pass every threshold (then scratch and quantities are clear). */
function passing(task: BoughtTask, scratch: Scratch, qty: Float64Array): Bitmap {
  scratch.finish();
  const { acc, touched, touchedCount } = scratch;
  const minCount = Math.max(1, task.minCount);
  const maxCount = task.maxCount ?? Number.POSITIVE_INFINITY;
  const minCents = task.minAmountCents ?? Number.NEGATIVE_INFINITY;
  const maxCents = task.maxAmountCents ?? Number.POSITIVE_INFINITY;
  const minQuantity = task.minQuantity ?? Number.NEGATIVE_INFINITY;
  const maxQuantity = task.maxQuantity ?? Number.POSITIVE_INFINITY;
  const hits = scratch.ensureHits(touchedCount);
  let h = 0;
  for (let i = 0; i < touchedCount; i++) {
    const c = touched[i]!;
    const count = acc[2 * c]!, cents = acc[2 * c + 1]!, quantity = qty[c]!;
    qty[c] = 0;
    if (count < minCount || count > maxCount) continue;
    if (cents < minCents || cents > maxCents) continue;
    if (quantity < minQuantity || quantity > maxQuantity) continue;
    hits[h++] = c;
  }
  scratch.reset();
  const result = new Bitmap();
  result.addMany(hits.subarray(0, h));
  return result;
}

/** The first line row of `order`: lineOrder[0..lineCount) ascends (an order's lines are contiguous, appended after it). */
export function firstLine(lineOrder: Uint32Array, lineCount: number, order: number): number {
  let lo = 0, hi = lineCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineOrder[mid]! < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
