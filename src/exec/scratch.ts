/**
 * Per-shard reusable buffers for counting and summing per customer, so a
 * `<bought minCount=...>` allocates nothing proportional to the store on each
 * query. Only the entries a query touched are reset afterwards.
 */
export class Scratch {
  counts = new Uint32Array(0);
  sums = new Float64Array(0);
  /** last order counted per customer (-1 none), to count distinct orders */
  lastOrder = new Int32Array(0);
  touched = new Uint32Array(1024);
  touchedCount = 0;
  /** candidate rows or customers gathered from postings */
  gather = new Uint32Array(1024);
  /** customers that passed, handed to a bitmap (which copies them) */
  private hits = new Uint32Array(1024);

  ensureCustomers(n: number): void {
    if (this.counts.length >= n) return;
    const cap = Math.max(n, this.counts.length * 2, 1024);
    this.counts = new Uint32Array(cap);
    this.sums = new Float64Array(cap);
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
      this.counts[c] = 0;
      this.sums[c] = 0;
      this.lastOrder[c] = -1;
    }
    this.touchedCount = 0;
  }
}
