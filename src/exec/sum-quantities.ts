import { Bitmap } from '../index/bitmap.js';
import type { NarrowData } from '../columns/growable.js';
import type { BoughtTask } from './bought-task.js';
import { forEachMatchingLine, isCandidate } from './row-filters.js';
import type { Scratch } from './scratch.js';

/**
 * A `<bought>` with `minQuantity`/`maxQuantity` (contract 7.2): per
 * customer, the distinct matching orders, the sum of the matching lines'
 * amounts and the sum of their quantities, then every threshold (all
 * inclusive, all combinable). Never an existence test or a byte count, and
 * never the complement of totals (the totals hold no quantities).
 *
 * Line tasks (a sku or category filter) add each matching line's quantity;
 * order tasks (at most a shop filter: every line of an order matches) add
 * the order's lines' quantities, found from the order by a binary search on
 * lineOrder (an order's lines are contiguous and ascending by order).
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
    for (const { rows, start, end, customers, amounts } of task.slices) {
      for (let i = start; i < end; i++) {
        const order = rows[i]!;
        if (orderAlive[order] === 0) continue;
        const c = customers ? customers[i]! : orderCustomer[order]!;
        if (candidates !== undefined && !isCandidate(candidates, c)) continue;
        scratch.add(c, true, amounts ? amounts[i]! : orderAmount[order]!);
        qty[c]! += orderQuantity(lineOrder, lineQuantity, lineCount, order);
      }
    }
  }
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

/** The sum of an order's line quantities: its lines are the run of `order` in lineOrder[0..lineCount), which ascends. */
export function orderQuantity(lineOrder: Uint32Array, lineQuantity: NarrowData, lineCount: number, order: number): number {
  let lo = 0, hi = lineCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineOrder[mid]! < order) lo = mid + 1;
    else hi = mid;
  }
  let sum = 0;
  for (let row = lo; row < lineCount && lineOrder[row] === order; row++) sum += lineQuantity[row]!;
  return sum;
}
