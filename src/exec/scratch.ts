/**
 * Per-shard reusable buffers for counting and summing per customer, so a
 * `<bought minCount=...>` allocates nothing proportional to the store on each
 * query. Only the entries a query touched are reset afterwards.
 */
export class Scratch {
  /**
   * Per customer c: the count at acc[2c], the sum (cents) at acc[2c + 1].
   * Side by side, one cache miss per scanned order reaches both (separate
   * arrays cost two: at 300M lines, order scans were ~120 ns an order).
   */
  acc = new Float64Array(0);
  /** last order counted per customer (-1 none), to count distinct orders */
  lastOrder = new Int32Array(0);
  touched = new Uint32Array(1024);
  touchedCount = 0;
  /** candidate rows or customers gathered from postings */
  gather = new Uint32Array(1024);
  /** customers that passed, handed to a bitmap (which copies them) */
  private hits = new Uint32Array(1024);
  /**
   * One bit per customer for existence scans, all zero between queries. At
   * 6.4M customers a shard it is 0.8 MB and stays in cache, where a 4-byte
   * mark per customer (25 MB) cost a cache miss per scanned order: at 300M
   * lines existence scans were 40% of all query time.
   */
  private marks = new Int32Array(0);
  private marked = 0;
  /** One bit per order, all zero between queries: counts an order once when its lines are not adjacent. */
  private orderMarks = new Int32Array(0);

  ensureCustomers(n: number): void {
    if (this.lastOrder.length >= n) return;
    const cap = Math.max(n, this.lastOrder.length * 2, 1024);
    this.acc = new Float64Array(2 * cap);
    this.lastOrder = new Int32Array(cap).fill(-1);
    if (this.touched.length < 1024) this.touched = new Uint32Array(1024);
  }

  ensureGather(n: number): Uint32Array {
    if (this.gather.length < n) this.gather = new Uint32Array(Math.max(n, this.gather.length * 2));
    return this.gather;
  }

  /** A reused buffer for up to `n` passing customers: no per-query garbage on the hot path. */
  ensureHits(n: number): Uint32Array {
    if (this.hits.length < n) this.hits = new Uint32Array(Math.max(n, this.hits.length * 2));
    return this.hits;
  }

  /** Marks `customer` as present (existence scans); marking twice is harmless. */
  mark(customer: number): void {
    const w = customer >>> 5, bit = 1 << (customer & 31);
    const word = this.marks[w]!;
    if ((word & bit) === 0) {
      this.marks[w] = word | bit;
      this.marked++;
    }
  }

  /** Room for order marks of orders 0..n-1. */
  ensureOrderMarks(n: number): void {
    const words = (n + 31) >>> 5;
    if (this.orderMarks.length < words) this.orderMarks = new Int32Array(Math.max(words, this.orderMarks.length * 2));
  }

  /** Marks `order`; true if it was not marked yet. */
  markOrder(order: number): boolean {
    const w = order >>> 5, bit = 1 << (order & 31);
    const word = this.orderMarks[w]!;
    if ((word & bit) !== 0) return false;
    this.orderMarks[w] = word | bit;
    return true;
  }

  clearOrder(order: number): void {
    this.orderMarks[order >>> 5]! &= ~(1 << (order & 31));
  }

  /** Room for marks of customers 0..n-1. */
  ensureMarks(n: number): void {
    const words = (n + 31) >>> 5;
    if (this.marks.length >= words) return;
    const bigger = new Int32Array(Math.max(words, this.marks.length * 2));
    bigger.set(this.marks);
    this.marks = bigger;
  }

  /** The marked customers, ascending, and every mark cleared. The view is reused by the next call. */
  takeMarks(): Uint32Array {
    const hits = this.ensureHits(this.marked);
    const marks = this.marks, words = marks.length;
    let h = 0;
    for (let w = 0; h < this.marked && w < words; w++) {
      let word = marks[w]!;
      if (word === 0) continue;
      marks[w] = 0;
      const base = w << 5;
      while (word !== 0) {
        const low = word & -word;
        hits[h++] = base + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    this.marked = 0;
    return hits.subarray(0, h);
  }

  touch(customer: number): void {
    if (this.touchedCount === this.touched.length) {
      const bigger = new Uint32Array(this.touched.length * 2);
      bigger.set(this.touched);
      this.touched = bigger;
    }
    this.touched[this.touchedCount++] = customer;
  }

  reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const c = this.touched[i]!;
      this.acc[2 * c] = 0;
      this.acc[2 * c + 1] = 0;
      this.lastOrder[c] = -1;
    }
    this.touchedCount = 0;
  }
}
