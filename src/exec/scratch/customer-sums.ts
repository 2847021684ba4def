import type { ReusedBuffers } from './reused-buffers.js';

/** Pending additions buffered before they are applied to `acc` (12 bytes each). */
const PENDING = 1 << 16;
/**
 * Customers per bucket when applying them: 2^14 customers x 16 bytes of
 * `acc` = 256 KiB, which stays in L2 and within the TLB's reach.
 */
const BUCKET_SHIFT = 14;
/** flag on a pending customer id: the addition counts one order */
const COUNTS_ORDER = 0x80000000;

/**
 * A count of orders and a sum of cents per customer, for a counted
 * `<bought>`, with the list of customers touched so that only those are
 * reset afterwards: nothing proportional to the store is allocated or
 * cleared per query.
 */
export class CustomerSums {
  /**
   * Per customer c: the count at acc[2c], the sum (cents) at acc[2c + 1].
   * Side by side, one cache miss reaches both. Scans do not write it
   * directly: see add().
   */
  acc = new Float64Array(0);
  touched = new Uint32Array(1024);
  touchedCount = 0;
  /** additions not yet applied to acc (see add) */
  private readonly pendingCustomers: Uint32Array;
  private readonly pendingCents: Float64Array;
  private pendingCount = 0;
  /** the pending additions, grouped by bucket */
  private readonly sortedCustomers: Uint32Array;
  private readonly sortedCents: Float64Array;
  private bucketStarts = new Uint32Array(0);
  private readonly bucketShift: number;

  /** The defaults are the tuned sizes; tests shrink them to exercise flushes and buckets on small data. */
  constructor(
    private readonly buffers: ReusedBuffers,
    sizes: { pending?: number; bucketShift?: number } = {},
  ) {
    const pending = sizes.pending ?? PENDING;
    this.pendingCustomers = new Uint32Array(pending);
    this.pendingCents = new Float64Array(pending);
    this.sortedCustomers = new Uint32Array(pending);
    this.sortedCents = new Float64Array(pending);
    this.bucketShift = sizes.bucketShift ?? BUCKET_SHIFT;
  }

  ensure(n: number): void {
    if (this.acc.length >= 2 * n) return;
    const cap = Math.max(n, this.acc.length, 1024);
    this.acc = new Float64Array(2 * cap);
    this.bucketStarts = new Uint32Array((cap >>> this.bucketShift) + 2);
    if (this.touched.length < 1024) this.touched = new Uint32Array(1024);
  }

  /**
   * Adds `cents` (and one order when `countsOrder`) to customer `c`. At
   * 300M lines a shard's acc is 100 MB: written in scan order, each
   * addition was a cache and TLB miss (~270 ns a line on this VM).
   * Additions are buffered instead, then applied bucket by bucket
   * (radix-partitioned by customer), each bucket's slice of acc in cache.
   * Call finish() before reading acc or touched.
   */
  add(c: number, countsOrder: boolean, cents: number): void {
    if (this.pendingCount === this.pendingCustomers.length) this.flush();
    this.pendingCustomers[this.pendingCount] = countsOrder ? c | COUNTS_ORDER : c;
    this.pendingCents[this.pendingCount++] = cents;
  }

  /**
   * Applies every pending addition, then sorts the touched customers, so
   * that reading their counts (and resetting them) walks acc upwards
   * instead of jumping: at 300M lines, 700k touched customers read in
   * first-seen order cost ~100 ms a shard, mostly cache misses. Call
   * before reading acc or touched.
   */
  finish(): void {
    this.flush();
    this.sortTouched();
  }

  /** Applies every pending addition to acc (touching customers seen for the first time). */
  flush(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    const { pendingCustomers, pendingCents, sortedCustomers, sortedCents, bucketStarts, acc, bucketShift } = this;
    const buckets = bucketStarts.length - 1;
    bucketStarts.fill(0);
    for (let i = 0; i < n; i++) bucketStarts[((pendingCustomers[i]! & ~COUNTS_ORDER) >>> bucketShift) + 1]!++;
    for (let b = 0; b < buckets; b++) bucketStarts[b + 1]! += bucketStarts[b]!;
    // bucketStarts[b] now moves through bucket b while scattering
    for (let i = 0; i < n; i++) {
      const tagged = pendingCustomers[i]!;
      const at = bucketStarts[(tagged & ~COUNTS_ORDER) >>> bucketShift]!++;
      sortedCustomers[at] = tagged;
      sortedCents[at] = pendingCents[i]!;
    }
    for (let i = 0; i < n; i++) {
      const tagged = sortedCustomers[i]!;
      const c = (tagged & ~COUNTS_ORDER) >>> 0;
      // a customer's first addition always counts an order, so a zero count means untouched
      if (acc[2 * c] === 0) this.touch(c);
      if ((tagged & COUNTS_ORDER) !== 0) acc[2 * c]!++;
      acc[2 * c + 1]! += sortedCents[i]!;
    }
    this.pendingCount = 0;
  }

  /** touched[0..touchedCount) ascending: LSD radix sort, 11 bits a pass, through the gather buffer. */
  private sortTouched(): void {
    const n = this.touchedCount;
    if (n < 2) return;
    let from: Uint32Array = this.touched.subarray(0, n);
    let to: Uint32Array = this.buffers.ensureGather(n).subarray(0, n);
    let max = 0;
    for (let i = 0; i < n; i++) if (from[i]! > max) max = from[i]!;
    const counts = new Uint32Array(1 << 11);
    for (let shift = 0; shift < 32 && max >>> shift !== 0; shift += 11) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(from[i]! >>> shift) & 0x7ff]!++;
      let sum = 0;
      for (let d = 0; d < counts.length; d++) {
        const k = counts[d]!;
        counts[d] = sum;
        sum += k;
      }
      for (let i = 0; i < n; i++) {
        const v = from[i]!;
        to[counts[(v >>> shift) & 0x7ff]!++] = v;
      }
      [from, to] = [to, from];
    }
    if (from.buffer !== this.touched.buffer) this.touched.set(from); // an odd number of passes
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
    this.pendingCount = 0;
    for (let i = 0; i < this.touchedCount; i++) {
      const c = this.touched[i]!;
      this.acc[2 * c] = 0;
      this.acc[2 * c + 1] = 0;
    }
    this.touchedCount = 0;
  }
}
