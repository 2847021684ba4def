import { Bitmap } from '../index/bitmap.js';
import type { BoughtTask } from './bought-task.js';
import { forEachMatchingLine, isCandidate, lineMatches } from './row-filters.js';
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
export function sumQuantities(task: BoughtTask, scratch: Scratch, choice: { byteCounts?: boolean } = {}): Bitmap {
  const byBytes = choice.byteCounts !== false && quantityFitsBytes(task);
  if (byBytes && task.unit === 'lines') return sumLineQuantityBytes(task, scratch);
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
    // only a minQuantity that a byte decides (quantityFitsBytes): a saturating byte per customer, no acc
    const bytes = byBytes ? scratch.ensureCounts(task.customerCount) : undefined;
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
          if (bytes !== undefined) {
            const k = bytes[c]! + perOrder[order]!;
            bytes[c] = k > SATURATED ? SATURATED : k;
            continue;
          }
          scratch.add(c, true, amounts ? amounts[i]! : orderAmount[order]!);
          qty[c]! += perOrder[order]!;
        }
      }
      return bytes !== undefined ? takeBytes(task, scratch) : passing(task, scratch, qty);
    }
    // where the last order's lines ended: the next order in the slice is often the next ordinal (time order)
    let next = 0;
    for (const { rows, start, end, customers, amounts } of task.slices) {
      for (let i = start; i < end; i++) {
        const order = rows[i]!;
        if (orderAlive[order] === 0) continue;
        const c = customers ? customers[i]! : orderCustomer[order]!;
        if (candidates !== undefined && !isCandidate(candidates, c)) continue;
        if (bytes === undefined) scratch.add(c, true, amounts ? amounts[i]! : orderAmount[order]!);
        let row = next < lineCount && lineOrder[next] === order && (next === 0 || lineOrder[next - 1] !== order)
          ? next
          : firstLine(lineOrder, lineCount, order);
        let sum = 0;
        for (; row < lineCount && lineOrder[row] === order; row++) sum += lineQuantity[row]!;
        if (bytes !== undefined) {
          const k = bytes[c]! + sum;
          bytes[c] = k > SATURATED ? SATURATED : k;
        } else qty[c]! += sum;
        next = row;
      }
    }
    if (bytes !== undefined) return takeBytes(task, scratch);
  }
  return passing(task, scratch, qty);
}

/** Quantity sums saturate here: a bound above it cannot be decided by a byte. */
const SATURATED = 255;

/**
 * True when only the quantity sum decides (no amount bound, no count bound
 * beyond "some order", a minQuantity >= 1 so an untouched customer's zero
 * fails it) and a saturating byte decides it: minQuantity <= 255 and
 * maxQuantity < 255, as count-orders.ts' byte counts.
 */
export function quantityFitsBytes(task: BoughtTask): boolean {
  if (task.complement || task.minAmountCents !== undefined || task.maxAmountCents !== undefined) return false;
  if (task.minCount > 1 || task.maxCount !== undefined) return false;
  const { minQuantity, maxQuantity } = task;
  if (minQuantity === undefined || minQuantity < 1 || minQuantity > SATURATED) return false;
  return maxQuantity === undefined || maxQuantity < SATURATED;
}

/**
 * A line task whose only bound is on the quantity sum (quantityFitsBytes;
 * an order task does the same in sumQuantities' order loops):
 * a saturating byte per customer (ByteCounts, 6.4 MB a shard at 300M lines,
 * where acc's 16 bytes and a Float64 quantity were a cache and TLB miss or
 * two per matching line, plus buffering and sorting the touched customers),
 * then one sequential pass over the bytes gives the members in order and
 * clears them (ByteCounts.take).
 */
function sumLineQuantityBytes(task: BoughtTask, scratch: Scratch): Bitmap {
  const counts = scratch.ensureCounts(task.customerCount);
  const { lineOrder, lineQuantity, orderAlive, orderCustomer, candidates } = task;
  if (task.slices.length === 1) {
    // one posting: an order's lines are adjacent in it, so the order's checks run once per order.
    // lineMatches() inlined by hand (the hot loop of a quantity-bounded <bought> over one SKU or category)
    const { rows, start, end } = task.slices[0]!;
    const { checkSku, checkCategory, checkShop, lineSku, lineCategory, orderShop } = task;
    let lastOrder = -1, c = -1; // c < 0: the current order does not count
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      const order = lineOrder[row]!;
      if (order !== lastOrder) {
        lastOrder = order;
        c = -1;
        if (orderAlive[order] === 0) continue;
        if (checkShop !== undefined && checkShop[orderShop[order]!] !== 1) continue;
        const customer = orderCustomer[order]!;
        if (candidates !== undefined && (candidates[customer >>> 5]! & (1 << (customer & 31))) === 0) continue;
        c = customer;
      }
      if (c < 0) continue;
      if (checkSku !== undefined && checkSku[lineSku[row]!] !== 1) continue;
      if (checkCategory !== undefined && checkCategory[lineCategory[row]!] !== 1) continue;
      const k = counts[c]! + lineQuantity[row]!;
      counts[c] = k > SATURATED ? SATURATED : k;
    }
  } else {
    // several postings (several SKUs or categories, late rows): each line on its own
    for (const { rows, start, end } of task.slices) {
      for (let i = start; i < end; i++) {
        const row = rows[i]!;
        if (!lineMatches(task, row)) continue;
        const c = orderCustomer[lineOrder[row]!]!;
        if (candidates !== undefined && !isCandidate(candidates, c)) continue;
        const k = counts[c]! + lineQuantity[row]!;
        counts[c] = k > SATURATED ? SATURATED : k;
      }
    }
  }
  return takeBytes(task, scratch);
}

/** The customers whose byte quantity is within the bounds, and every byte cleared (ByteCounts.take). */
function takeBytes(task: BoughtTask, scratch: Scratch): Bitmap {
  const result = new Bitmap();
  result.addMany(scratch.takeCounts(task.customerCount, task.minQuantity!, task.maxQuantity ?? SATURATED));
  return result;
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
