import { U32Column } from '../store/growable.js';

/** Reads the timestamp (epoch seconds) of an order line row. */
export type RowTime = (row: number) => number;

/**
 * The line rows that carry one dimension value (a SKU, a category, a shop, or
 * "any"), kept ordered by (ts, row) so that a time window is two binary
 * searches and the rows inside it are one contiguous slice. Rows of one order
 * are contiguous and share a ts, so they stay adjacent in this order.
 *
 * Appends in time order (the common case: orders stream in) keep the list
 * sorted for free; an out-of-order append marks it for a re-sort on the next read.
 */
export class TimePosting {
  readonly rows = new U32Column(8);
  private lastTs = Number.NEGATIVE_INFINITY;
  private sorted = true;

  get size(): number {
    return this.rows.length;
  }

  /** A posting from rows already ordered by (ts, row) (loading a snapshot). */
  static fromOrdered(rows: Uint32Array, rowTime: RowTime): TimePosting {
    const p = new TimePosting();
    p.rows.adopt(rows);
    p.lastTs = rows.length ? rowTime(rows[rows.length - 1]!) : Number.NEGATIVE_INFINITY;
    return p;
  }

  add(row: number, ts: number): void {
    if (ts < this.lastTs) this.sorted = false;
    else this.lastTs = ts;
    this.rows.push(row);
  }

  /** Takes over another posting's rows and order (loading a snapshot into an existing slot). */
  reset(from: TimePosting): void {
    this.rows.data = from.rows.data;
    this.rows.length = from.rows.length;
    this.lastTs = from.lastTs;
    this.sorted = true;
  }

  /** Rows ordered by (ts, row). */
  ordered(rowTime: RowTime): Uint32Array {
    if (!this.sorted) {
      const rows = Array.from(this.rows.view());
      rows.sort((a, b) => rowTime(a) - rowTime(b) || a - b);
      this.rows.replace(rows); // a new buffer: a worker may be reading the old order
      this.lastTs = rows.length ? rowTime(rows[rows.length - 1]!) : Number.NEGATIVE_INFINITY;
      this.sorted = true;
    }
    return this.rows.view();
  }

  /** [start, end) of the ordered rows whose ts lies in [lo, hi] (inclusive). */
  window(lo: number, hi: number, rowTime: RowTime): { rows: Uint32Array; start: number; end: number } {
    const rows = this.ordered(rowTime);
    return { rows, start: lowerBound(rows, lo, rowTime), end: lowerBound(rows, hi + 1, rowTime) };
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
