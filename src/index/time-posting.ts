import { U32Column, type NarrowData } from '../columns/growable.js';
import { TUNING } from '../model/defaults.js';

/** Reads the timestamp (epoch seconds) of an order line row. */
export type RowTime = (row: number) => number;

/** A run of posting rows to scan: `rows[start..end)`. */
export interface PostingSlice {
  rows: Uint32Array;
  start: number;
  end: number;
  /** order postings only: each order's customer and amount, aligned with `rows` (see order-posting.ts) */
  customers?: Uint32Array;
  amounts?: NarrowData;
}

/**
 * The line rows that carry one dimension value (a SKU, a category, a shop, or
 * "any"), kept ordered by (ts, row) so that a time window is two binary
 * searches and the rows inside it are one contiguous slice. Rows of one order
 * are contiguous and share a ts, so they stay adjacent in this order.
 *
 * Appends in time order (the common case: orders stream in) extend the
 * ordered rows for free. A row older than the newest one goes to a small
 * unordered tail instead, scanned in full by every window; when the tail
 * outgrows 1/16 of the ordered rows it is sorted and merged in, in linear
 * time, so late orders never cost a full re-sort on the query path.
 */
export class TimePosting {
  /** ordered by (ts, row) */
  readonly rows = new U32Column(8);
  /** rows that arrived out of time order, not yet merged */
  private tail: number[] = [];
  private lastTs = Number.NEGATIVE_INFINITY;
  /** times the ordered rows were rewritten (a merge): copies aligned with them are stale */
  merges = 0;

  get size(): number {
    return this.rows.length + this.tail.length;
  }

  /** A posting from rows already ordered by (ts, row) (loading a snapshot). */
  static fromOrdered(rows: Uint32Array, rowTime: RowTime): TimePosting {
    const p = new TimePosting();
    p.rows.adopt(rows);
    p.lastTs = rows.length ? rowTime(rows[rows.length - 1]!) : Number.NEGATIVE_INFINITY;
    return p;
  }

  /** As fromOrdered, over `rows` in shared memory without a copy (bulk building and loading). */
  static ofOrderedView(rows: Uint32Array, rowTime: RowTime): TimePosting {
    const p = new TimePosting();
    p.rows.wrap(rows);
    p.lastTs = rows.length ? rowTime(rows[rows.length - 1]!) : Number.NEGATIVE_INFINITY;
    return p;
  }

  add(row: number, ts: number, rowTime: RowTime): void {
    if (ts >= this.lastTs) {
      this.lastTs = ts;
      this.rows.push(row);
      return;
    }
    this.tail.push(row);
    if (this.tail.length > Math.max(TUNING.POSTING_TAIL_MIN_ROWS, this.rows.length >> TUNING.POSTING_TAIL_SHIFT)) this.mergeTail(rowTime);
  }

  /** Takes over another posting's rows and order (loading a snapshot into an existing slot). */
  reset(from: TimePosting): void {
    this.rows.data = from.rows.data;
    this.rows.length = from.rows.length;
    this.tail = [...from.tail];
    this.lastTs = from.lastTs;
    this.merges++;
  }

  /** All rows ordered by (ts, row) (merges the tail first). */
  ordered(rowTime: RowTime): Uint32Array {
    if (this.tail.length) this.mergeTail(rowTime);
    return this.rows.view();
  }

  /** The slices holding every row whose ts lies in [lo, hi] (inclusive), and no others. */
  window(lo: number, hi: number, rowTime: RowTime): PostingSlice[] {
    return this.split(lo, hi, rowTime).inside;
  }

  /**
   * The rows with ts in [lo, hi] (inclusive) and the rows outside it, each as
   * slices: `outside` lets a caller subtract from totals when the window
   * holds most rows.
   */
  split(lo: number, hi: number, rowTime: RowTime): { inside: PostingSlice[]; outside: PostingSlice[] } {
    const rows = this.rows.view();
    const start = lowerBound(rows, lo, rowTime), end = lowerBound(rows, hi + 1, rowTime);
    const inside: PostingSlice[] = [{ rows, start, end }];
    const outside: PostingSlice[] = [{ rows, start: 0, end: start }, { rows, start: end, end: rows.length }];
    if (this.tail.length) {
      const tailIn: number[] = [], tailOut: number[] = [];
      for (const r of this.tail) {
        const ts = rowTime(r);
        (ts >= lo && ts <= hi ? tailIn : tailOut).push(r);
      }
      if (tailIn.length) inside.push({ rows: Uint32Array.from(tailIn), start: 0, end: tailIn.length });
      if (tailOut.length) outside.push({ rows: Uint32Array.from(tailOut), start: 0, end: tailOut.length });
    }
    return { inside, outside: outside.filter((s) => s.end > s.start) };
  }

  /** Sort the tail and merge it into the ordered rows, into a new buffer (a worker may be reading the old one). */
  private mergeTail(rowTime: RowTime): void {
    const cmp = (a: number, b: number) => rowTime(a) - rowTime(b) || a - b;
    const tail = this.tail.sort(cmp);
    const main = this.rows.view();
    const merged = new Uint32Array(main.length + tail.length);
    let i = 0, j = 0, k = 0;
    while (i < main.length && j < tail.length) merged[k++] = cmp(main[i]!, tail[j]!) <= 0 ? main[i++]! : tail[j++]!;
    while (i < main.length) merged[k++] = main[i++]!;
    while (j < tail.length) merged[k++] = tail[j++]!;
    this.rows.replace(merged);
    this.merges++;
    this.tail = [];
    this.lastTs = merged.length ? rowTime(merged[merged.length - 1]!) : Number.NEGATIVE_INFINITY;
  }
}

/** First index whose row has ts >= t (ts are whole seconds, so hi+1 gives the exclusive end). */
function lowerBound(rows: Uint32Array, t: number, rowTime: RowTime): number {
  let lo = 0, hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowTime(rows[mid]!) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
