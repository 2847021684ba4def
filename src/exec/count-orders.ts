import { Bitmap } from '../index/bitmap.js';
import type { BoughtTask } from './bought-task.js';
import { forEachMatchingLine, isCandidate } from './row-filters.js';
import type { Scratch } from './scratch.js';

/** Counts saturate here: a bound above it cannot be decided by a byte. */
const SATURATED = 255;

/**
 * A `<bought minCount=...>` with no amount bound needs only a count of
 * distinct orders per customer, and a byte holds it. A shard's byte counts
 * (6.4 MB at 300M lines) stay in cache, where its 16-byte count-and-sum
 * slots (100 MB) cost a memory access per matching line, and a sequential
 * pass over the bytes gives the members in order and clears them.
 *
 * Undefined when the task needs sums (of amounts or quantities), has a maxCount the byte cannot
 * decide, or subtracts from totals (complement): then acc is used.
 */
export function countOrdersOnly(task: BoughtTask, scratch: Scratch): Bitmap | undefined {
  if (task.existence || task.complement) return undefined;
  if (task.minAmountCents !== undefined || task.maxAmountCents !== undefined) return undefined;
  if (task.minQuantity !== undefined || task.maxQuantity !== undefined) return undefined;
  // a saturated byte means "255 or more": it decides minCount <= 255 and maxCount < 255
  if (task.minCount > SATURATED || (task.maxCount !== undefined && task.maxCount >= SATURATED)) return undefined;
  const counts = scratch.ensureCounts(task.customerCount);
  const { orderAlive, orderCustomer, lineOrder, candidates } = task;
  if (task.unit === 'orders') {
    // order postings hold each order once
    for (const { rows, start, end, customers } of task.slices) {
      for (let i = start; i < end; i++) {
        const order = rows[i]!;
        if (orderAlive[order] === 0) continue;
        const c = customers ? customers[i]! : orderCustomer[order]!;
        if (candidates !== undefined && !isCandidate(candidates, c)) continue;
        const k = counts[c]!;
        if (k !== SATURATED) counts[c] = k + 1;
      }
    }
  } else if (task.slices.length === 1) {
    // one posting: an order's lines are adjacent, it counts when it differs from the last matching line's
    const { rows, start, end } = task.slices[0]!;
    // lineMatches() inlined by hand: the hot loop of a counted <bought> over one SKU or category
    const { checkSku, checkCategory, checkShop, lineSku, lineCategory, orderShop } = task;
    let lastOrder = -1;
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      const order = lineOrder[row]!;
      if (order === lastOrder || orderAlive[order] === 0) continue;
      if (checkSku !== undefined && checkSku[lineSku[row]!] !== 1) continue;
      if (checkCategory !== undefined && checkCategory[lineCategory[row]!] !== 1) continue;
      if (checkShop !== undefined && checkShop[orderShop[order]!] !== 1) continue;
      lastOrder = order;
      const c = orderCustomer[order]!;
      if (candidates !== undefined && (candidates[c >>> 5]! & (1 << (c & 31))) === 0) continue;
      const k = counts[c]!;
      if (k !== SATURATED) counts[c] = k + 1;
    }
  } else {
    // several postings: an order counts the first time one of its lines matches
    forEachMatchingLine(task, scratch, (c, _row, first) => {
      const k = counts[c]!;
      if (first && k !== SATURATED) counts[c] = k + 1;
    });
  }
  const result = new Bitmap();
  result.addMany(scratch.takeCounts(task.customerCount, Math.max(1, task.minCount), task.maxCount ?? SATURATED));
  return result;
}
