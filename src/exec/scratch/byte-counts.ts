import type { ReusedBuffers } from './reused-buffers.js';

/** Per customer, a saturating count of orders (count-orders.ts), all zero between queries. */
export class ByteCounts {
  private counts = new Uint8Array(0);

  constructor(private readonly buffers: ReusedBuffers) {}

  ensure(n: number): Uint8Array {
    if (this.counts.length < n) this.counts = new Uint8Array(Math.max(n, this.counts.length * 2));
    return this.counts;
  }

  /**
   * The customers 0..n-1 whose count is within [min, max], ascending, and
   * every count cleared: one sequential pass, four counts at a time where
   * they are zero. The view (ReusedBuffers.hits) is reused by the next call.
   */
  take(customers: number, min: number, max: number): Uint32Array {
    const counts = this.counts;
    const n = Math.min(customers, counts.length);
    const words = new Int32Array(counts.buffer, 0, counts.length >>> 2);
    const hits = this.buffers.ensureHits(n);
    let h = 0;
    for (let w = 0, end = (n + 3) >>> 2; w < end; w++) {
      if (w < words.length && words[w] === 0) continue;
      for (let c = w << 2, last = Math.min(c + 4, n); c < last; c++) {
        const k = counts[c]!;
        if (k === 0) continue;
        counts[c] = 0;
        if (k < min || k > max) continue;
        hits[h++] = c;
      }
    }
    return hits.subarray(0, h);
  }
}
