/** One bit per order, all zero between queries: counts an order once when its lines are not adjacent (row-filters.ts). */
export class OrderMarks {
  private bits = new Int32Array(0);

  /** Room for marks of orders 0..n-1. */
  ensure(n: number): void {
    const words = (n + 31) >>> 5;
    if (this.bits.length < words) this.bits = new Int32Array(Math.max(words, this.bits.length * 2));
  }

  /** Marks `order`; true if it was not marked yet. */
  mark(order: number): boolean {
    const w = order >>> 5, bit = 1 << (order & 31);
    const word = this.bits[w]!;
    if ((word & bit) !== 0) return false;
    this.bits[w] = word | bit;
    return true;
  }

  clear(order: number): void {
    this.bits[order >>> 5]! &= ~(1 << (order & 31));
  }
}
