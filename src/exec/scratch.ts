/** Pending additions buffered before they are applied to `acc` (12 bytes each). */
const PENDING = 1 << 16;
/**
 * Customers per bucket when applying them: 2^14 customers x 16 bytes of
 * `acc` = 256 KiB, which stays in L2 and within the TLB's reach.
 */
const BUCKET_SHIFT = 14;
/** firstMarkedWord when nothing is marked */
const NO_MARK = 0x7fffffff;
/** flag on a pending customer id: the addition counts one order */
const COUNTS_ORDER = 0x80000000;

/**
 * Per-shard reusable buffers for counting and summing per customer, so a
 * `<bought minCount=...>` allocates nothing proportional to the store on each
 * query. Only the entries a query touched are reset afterwards.
 */
export class Scratch {
  /**
   * Per customer c: the count at acc[2c], the sum (cents) at acc[2c + 1].
   * Side by side, one cache miss reaches both. Scans do not write it
   * directly: see add().
   */
  acc = new Float64Array(0);
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
  /** the lowest word holding a mark: small scans (a day's bucket) collect without walking every word */
  private firstMarkedWord = NO_MARK;
  /** One bit per order, all zero between queries: counts an order once when its lines are not adjacent. */
  private orderMarks = new Int32Array(0);
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
  constructor(sizes: { pending?: number; bucketShift?: number } = {}) {
    const pending = sizes.pending ?? PENDING;
    this.pendingCustomers = new Uint32Array(pending);
    this.pendingCents = new Float64Array(pending);
    this.sortedCustomers = new Uint32Array(pending);
    this.sortedCents = new Float64Array(pending);
    this.bucketShift = sizes.bucketShift ?? BUCKET_SHIFT;
  }

  ensureCustomers(n: number): void {
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
      if (w < this.firstMarkedWord) this.firstMarkedWord = w;
    }
  }

  /** Per customer, a saturating count of orders (count-orders.ts), all zero between queries. */
  private counts = new Uint8Array(0);

  ensureCounts(n: number): Uint8Array {
    if (this.counts.length < n) this.counts = new Uint8Array(Math.max(n, this.counts.length * 2));
    return this.counts;
  }

  /**
   * The customers 0..n-1 whose count is within [min, max], ascending, and
   * every count cleared: one sequential pass, four counts at a time where
   * they are zero. The view is reused by the next call.
   */
  takeCounts(customers: number, min: number, max: number): Uint32Array {
    const counts = this.counts;
    const n = Math.min(customers, counts.length);
    const words = new Int32Array(counts.buffer, 0, counts.length >>> 2);
    const hits = this.ensureHits(n);
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

  /**
   * Marks every touched customer (of customers 0..n-1) and returns the
   * marks: a complement pass then reads acc only where a bit is set.
   * Marks must be clear (no existence scan in progress); unmarkTouched()
   * clears them again.
   */
  markTouched(n: number): Int32Array {
    this.ensureMarks(n);
    const { marks, touched } = this;
    for (let i = 0; i < this.touchedCount; i++) {
      const c = touched[i]!;
      marks[c >>> 5]! |= 1 << (c & 31);
    }
    return marks;
  }

  unmarkTouched(): void {
    for (let i = 0; i < this.touchedCount; i++) this.marks[this.touched[i]! >>> 5] = 0;
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
    // from the first marked word up to the last mark found
    for (let w = this.firstMarkedWord; h < this.marked && w < words; w++) {
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
    this.firstMarkedWord = NO_MARK;
    return hits.subarray(0, h);
  }

  /** touched[0..touchedCount) ascending: LSD radix sort, 11 bits a pass, through the gather buffer. */
  private sortTouched(): void {
    const n = this.touchedCount;
    if (n < 2) return;
    let from: Uint32Array = this.touched.subarray(0, n);
    let to: Uint32Array = this.ensureGather(n).subarray(0, n);
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
