/**
 * The rows of many postings held in a few shared buffers (a snapshot's
 * postings file): posting k is `buffers[buffer[k]]` from `start[k]`, `count[k]`
 * rows. Plain typed arrays, no object per posting: a shard of a 200,000-SKU
 * catalog loads 200,000 postings, and one object each was ~180 MB of heap
 * and seconds of garbage collection on every open.
 */
export class PostingRuns {
  constructor(
    readonly buffers: readonly Uint32Array[],
    readonly buffer: Uint32Array,
    readonly start: Float64Array,
    readonly count: Uint32Array,
  ) {}

  get length(): number {
    return this.count.length;
  }

  /** Posting k's rows: a view, no copy. */
  rows(k: number): Uint32Array {
    const s = this.start[k]!;
    return this.buffers[this.buffer[k]!]!.subarray(s, s + this.count[k]!);
  }
}
