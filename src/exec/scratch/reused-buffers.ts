/**
 * Two growable Uint32Array buffers a shard's kernels take turns with, so no
 * query allocates garbage proportional to the store on the hot path:
 * `gather` (rows or orders gathered while scanning, the radix sort's other
 * half) and `hits` (customers that passed, handed to a bitmap, which copies
 * them). A kernel uses a view only until its bitmap is built.
 */
export class ReusedBuffers {
  gather = new Uint32Array(1024);
  hits = new Uint32Array(1024);

  ensureGather(n: number): Uint32Array {
    if (this.gather.length < n) this.gather = new Uint32Array(Math.max(n, this.gather.length * 2));
    return this.gather;
  }

  /** Room for up to `n` passing customers. */
  ensureHits(n: number): Uint32Array {
    if (this.hits.length < n) this.hits = new Uint32Array(Math.max(n, this.hits.length * 2));
    return this.hits;
  }
}
