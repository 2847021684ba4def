import type { BoughtTask } from './bought-task.js';
import type { Scratch } from './scratch.js';

/** Bit `c` of a candidate set (BoughtTask.candidates). */
export function isCandidate(candidates: Int32Array, c: number): boolean {
  return (candidates[c >>> 5]! & (1 << (c & 31))) !== 0;
}

/** The line's order counts, and the line passes the filters the driving posting does not cover. */
export function lineMatches(task: BoughtTask, row: number): boolean {
  const order = task.lineOrder[row]!;
  if (task.orderAlive[order] === 0) return false;
  if (task.checkSku && task.checkSku[task.lineSku[row]!] !== 1) return false;
  if (task.checkCategory && task.checkCategory[task.lineCategory[row]!] !== 1) return false;
  if (task.checkShop && task.checkShop[task.orderShop[order]!] !== 1) return false;
  return true;
}

/**
 * Every matching line of a task over several slices (several SKUs or
 * categories, late rows), where an order's lines need not be adjacent:
 * `visit` gets the customer, the row, and whether this is the first
 * matching line of its order (a bit per order, cleared afterwards).
 * Candidates are applied before an order is marked.
 */
export function forEachMatchingLine(task: BoughtTask, scratch: Scratch, visit: (customer: number, row: number, firstOfOrder: boolean) => void): void {
  const { lineOrder, orderCustomer, candidates } = task;
  scratch.ensureOrderMarks(task.orderAlive.length);
  let total = 0;
  for (const s of task.slices) total += s.end - s.start;
  const marked = scratch.ensureGather(total); // the orders marked, to clear after
  let m = 0;
  for (const { rows, start, end } of task.slices) {
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      if (!lineMatches(task, row)) continue;
      const order = lineOrder[row]!;
      const c = orderCustomer[order]!;
      if (candidates !== undefined && !isCandidate(candidates, c)) continue;
      const first = scratch.markOrder(order);
      if (first) marked[m++] = order;
      visit(c, row, first);
    }
  }
  for (let k = 0; k < m; k++) scratch.clearOrder(marked[k]!);
}
