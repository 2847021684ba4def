import { NarrowColumn, U32Column, type NarrowData } from '../columns/growable.js';
import { TimePosting, type PostingSlice, type RowTime } from './time-posting.js';

/** The order columns an order posting copies from. */
export interface OrderColumns {
  orderTime: RowTime;
  orderCustomer: Uint32Array;
  orderAmount: NarrowData;
}

/**
 * A time posting of order ordinals that also keeps each order's customer and
 * amount in posting order. Orders ingested out of time order (a shuffled
 * file) have ordinals that jump around the posting, and a window scan that
 * reads customer and amount through the ordinal misses the cache on every
 * order; reading the aligned copies is sequential. Both never change for an
 * order, so they can be copied; `alive` changes and is still read by ordinal
 * (one byte per order, which stays in cache).
 *
 * The copies are caught up lazily, when a window is taken: appends cost
 * nothing here, and a merge of late rows (which rewrites the order of the
 * rows) rebuilds them once. Orders that arrived in time order need none.
 */
export class OrderPosting {
  readonly posting = new TimePosting();
  private readonly customers = new U32Column(8);
  private readonly amounts = new NarrowColumn('u32', 8);
  /** posting.merges the copies were built for */
  private builtFor = -1;
  /**
   * While the ordered rows are 0, 1, 2, ... (orders arrived in time order,
   * the usual case) the order columns already are in posting order: no
   * copies are kept (12 B per order saved) and the columns are handed out.
   */
  private identity = true;
  /** rows[0..checked) are known to equal their index */
  private checked = 0;

  add(order: number, ts: number, orderTime: RowTime): void {
    this.posting.add(order, ts, orderTime);
  }

  /** As TimePosting.split, with the customer and amount copies on the ordered slices. */
  split(lo: number, hi: number, columns: OrderColumns): { inside: PostingSlice[]; outside: PostingSlice[] } {
    this.sync(columns);
    const customers = this.identity ? columns.orderCustomer : this.customers.view();
    const amounts = this.identity ? columns.orderAmount : this.amounts.view();
    const { inside, outside } = this.posting.split(lo, hi, columns.orderTime);
    // the ordered rows carry the copies; late rows (a tail slice, own buffer) are read by ordinal
    const ordered = this.posting.rows.data.buffer;
    const withCopies = (s: PostingSlice): PostingSlice => (s.rows.buffer === ordered ? { ...s, customers, amounts } : s);
    return { inside: inside.map(withCopies), outside: outside.map(withCopies) };
  }

  /**
   * Copies for the ordered rows appended since the last window; all of them
   * after a merge or a load (done at load time, so no query pays for it).
   */
  sync({ orderCustomer, orderAmount }: OrderColumns): void {
    const rows = this.posting.rows;
    if (this.builtFor !== this.posting.merges) {
      // a merge rewrote the order of the rows: start over
      this.builtFor = this.posting.merges;
      this.identity = true;
      this.checked = 0;
      this.customers.clear();
      this.amounts.clear();
    }
    if (this.identity) {
      while (this.checked < rows.length && rows.data[this.checked] === this.checked) this.checked++;
      if (this.checked === rows.length) return;
      this.identity = false;
    }
    if (this.customers.length === 0 && rows.length > 0) {
      // the first copies, or all of them again after a merge: new buffers (a worker may hold the old ones)
      const n = rows.length, customers = new Uint32Array(n), amounts = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const order = rows.data[i]!;
        customers[i] = orderCustomer[order]!;
        amounts[i] = orderAmount[order]!;
      }
      this.customers.replace(customers);
      this.amounts.replace(amounts);
      return;
    }
    for (let i = this.customers.length; i < rows.length; i++) {
      const order = rows.data[i]!;
      this.customers.push(orderCustomer[order]!);
      this.amounts.push(orderAmount[order]!);
    }
  }
}
