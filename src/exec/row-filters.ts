import type { BoughtTask } from './bought-task.js';

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
